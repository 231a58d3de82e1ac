"""The gates' ledgers: outsiders and vehicles registered at the gates (forms.md §5/§6) and the gate log of
every scan. Both are filtered by gate and time — the gates of the communities, read first — so the
(gate, -at) index of scans serves the filter."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, FloatField, TextField
from django.db.models.functions import Cast, Extract
from django.utils import timezone, translation

from fangkong.accounts.roles import Perm
from fangkong.core.identifiers import mask_name
from fangkong.gates.models import Gate, Scan, Visitor
from fangkong.ledgers.sources._common import DECISION, DIRECTION, community_ids, identifier, local_bounds, user_name
from fangkong.ledgers.spec import REMARKS, SERIAL, Column, ExportContext, Kind, LedgerSpec, Level
from fangkong.passes.errors import REASONS

# Rows fetched per round trip of the gate log's server-side cursor.
CHUNK = 5000


def _gates(ctx: ExportContext) -> dict[int, str]:
    return dict(Gate.objects.filter(community_id__in=community_ids(ctx)).values_list("id", "name"))


def reason_labels() -> dict[str, str]:
    """The reason codes in the guard's Chinese words (the ledger is Chinese whatever the reader's language)."""
    with translation.override("zh-hans"):
        return {str(code): str(text) for code, text in REASONS.items()}


def _reasons(codes: list | None, labels: dict[str, str]) -> str:
    return "；".join(labels.get(c, c) for c in codes) if codes else ""


# --- visitors --------------------------------------------------------------------------------------------

VISITOR_COLUMNS = (
    SERIAL,
    Column("at", "登记时间", kind=Kind.DATETIME),
    Column("gate", "门岗(检查点)"),
    Column("name", "姓名", width=10),
    Column("id_number", "身份证号码", kind=Kind.ID),
    Column("phone", "联系电话", kind=Kind.PHONE),
    Column("reason", "来访事由", width=16),
    Column("host", "被访住户", width=20),
    Column("temperature", "体温(℃)", kind=Kind.DECIMAL),
    Column("plate", "车牌号"),
    Column("decision", "处置"),
    Column("reasons", "拒入原因", width=20),
    Column("guard", "登记人"),
    REMARKS,
)


def _visitors(ctx: ExportContext, gates: dict[int, str]):
    start, end = local_bounds(ctx)
    return Visitor.objects.filter(gate_id__in=list(gates), at__gte=start, at__lt=end)


def visitor_count(ctx: ExportContext) -> int:
    return _visitors(ctx, _gates(ctx)).count()


def visitor_rows(ctx: ExportContext) -> Iterator[dict]:
    gates, labels = _gates(ctx), reason_labels()
    qs = (_visitors(ctx, gates).order_by("at", "id")
          .values("at", "gate_id", "name", "row_key", "id_number_encrypted", "id_number_masked", "phone_encrypted",
                  "phone_masked", "reason", "household__address", "household_text", "temperature", "plate",
                  "decision", "reasons", "guard__display_name", "guard__username"))
    for r in qs.iterator(chunk_size=2000):
        yield {
            "at": r["at"],
            "gate": gates.get(r["gate_id"], ""),
            "name": r["name"],
            "id_number": identifier(ctx, Visitor, "id", sealed=r["id_number_encrypted"], row_key=r["row_key"],
                                    masked=r["id_number_masked"]),
            "phone": identifier(ctx, Visitor, "phone", sealed=r["phone_encrypted"], row_key=r["row_key"],
                                masked=r["phone_masked"]),
            "reason": r["reason"],
            "host": r["household__address"] or r["household_text"],
            "temperature": r["temperature"],
            "plate": r["plate"],
            "decision": DECISION.get(r["decision"], r["decision"]),
            "reasons": _reasons(r["reasons"], labels),
            "guard": user_name(r["guard__display_name"], r["guard__username"]),
        }


VISITORS = LedgerSpec(
    key="visitors", title="外来人员及车辆出入登记表", columns=VISITOR_COLUMNS, perm=Perm.VIEW_SCANS,
    level=Level.COMMUNITY, rows=visitor_rows, count=visitor_count,
)


# --- gate log --------------------------------------------------------------------------------------------

GATE_LOG_COLUMNS = (
    SERIAL,
    Column("at", "时间", kind=Kind.DATETIME),
    Column("gate", "门岗"),
    Column("direction", "方向", width=5),
    Column("pass_number", "通行证号"),
    Column("person", "人员", width=10),
    Column("decision", "结果", width=6),
    Column("reasons", "原因", width=24),
    Column("temperature", "体温(℃)", kind=Kind.DECIMAL),
    Column("plate", "车牌号"),
    Column("guard", "值守人员"),
    REMARKS,
)


def _scans(ctx: ExportContext, gates: dict[int, str]):
    start, end = local_bounds(ctx)
    return Scan.objects.filter(gate_id__in=list(gates), at__gte=start, at__lt=end)


def gate_log_count(ctx: ExportContext) -> int:
    return _scans(ctx, _gates(ctx)).count()


@contextmanager
def _planned_for_every_row():
    """PostgreSQL plans a cursor for its first tenth of rows by default: the day's scans in time order then
    come from the index on `at` alone, reading every gate's scans to keep one community's (6 s for 40,000
    rows of 2,000,000). Planned for all its rows, the cursor reads the (gate, at) index and sorts. Without
    JIT: compiling the plan cost 2 of the 9 s the server spent on the 2,000,000 rows of fifty communities."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1.0")
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET cursor_tuple_fraction")
            cursor.execute("RESET jit")


def _local_clock() -> tuple[object, Callable[[object], datetime]]:
    """The scan time as SQL gives it fastest and its conversion to a naive local time. Django's loader of
    `timestamptz` parses in Python (≈9 µs a row, a fifth of the gate log's cost at 2,000,000 rows); the
    epoch of the local wall-clock time (Django's Extract converts to the current time zone first) comes
    as a double through psycopg's C loader, and is one addition from a naive local datetime."""
    if connection.vendor != "postgresql":
        tz = timezone.get_current_timezone()
        return F("at"), lambda at: timezone.localtime(at, tz).replace(tzinfo=None)
    return Cast(Extract("at", "epoch"), FloatField()), lambda seconds: _EPOCH + timedelta(seconds=seconds)


_EPOCH = datetime(1970, 1, 1)


def gate_log_rows(ctx: ExportContext) -> Iterator[dict]:
    """Every scan, in time order, streamed from a server-side cursor: the pass, the person and the guard
    come joined in SQL; the person's name is always masked (the issue: "person masked"). Times are local
    and naive (the writer takes them as they are); the reasons come as JSON text, read only when not []."""
    gates, labels = _gates(ctx), reason_labels()
    clock, local = _local_clock()
    qs = (_scans(ctx, gates).order_by("at", "id")
          .annotate(clock=clock, reason_text=Cast("reasons", TextField()))
          .values_list("clock", "gate_id", "direction", "pass_ref__number", "person__name", "decision",
                       "reason_text", "temperature", "plate", "guard__display_name", "guard__username"))
    # A community's few thousand names come back again and again: masked once each, in a bounded cache
    # of this export's own (no name outlives the export in the worker's memory).
    masked = lru_cache(maxsize=8192)(mask_name)
    with _planned_for_every_row():
        yield from _gate_log_dicts(_tuples(qs), gates, labels, local, masked)


def _tuples(qs) -> Iterator[tuple]:
    """The query's rows from a server-side cursor. On PostgreSQL the ORM's per-row converters are skipped:
    every column is already what the rows need (a double, text, a Decimal), and they cost a quarter of
    the source's time at two million rows."""
    if connection.vendor != "postgresql":
        yield from qs.iterator(chunk_size=CHUNK)
        return
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # a filter Django knows matches nothing (a community with no gates)
        return
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def _gate_log_dicts(rows: Iterator[tuple], gates: dict[int, str], labels: dict[str, str], local,
                    masked) -> Iterator[dict]:
    for at, gate_id, direction, number, name, decision, reasons, temperature, plate, shown, username in rows:
        yield {
            "at": local(at),
            "gate": gates.get(gate_id, ""),
            "direction": DIRECTION.get(direction, direction),
            "pass_number": number or "",
            "person": masked(name) if name else "",
            "decision": DECISION.get(decision, decision),
            "reasons": _reasons(json.loads(reasons), labels) if reasons and reasons != "[]" else "",
            "temperature": temperature,
            "plate": plate,
            "guard": shown or username or "",
        }


GATE_LOG = LedgerSpec(
    key="gate_log", title="门岗出入记录", columns=GATE_LOG_COLUMNS, perm=Perm.VIEW_SCANS, level=Level.COMMUNITY,
    rows=gate_log_rows, count=gate_log_count,
)
