"""The gates' ledgers: outsiders and vehicles registered at the gates (forms.md §5/§6) and the gate log of
every scan. Both are filtered by gate and time — the gates of the communities, read first — so the
(gate, -at) index of scans serves the filter."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connections, router, transaction
from django.db.models import FloatField, TextField
from django.db.models.functions import Cast, Coalesce, Extract
from django.utils import timezone, translation

from fangkong.accounts.roles import Perm
from fangkong.core.identifiers import mask_name
from fangkong.gates.models import Gate, Scan, Visitor
from fangkong.gates.selectors import scan_made_between
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
    """The range's scans of the gates: an offline scan by the device's time (`scanned_at`), not its upload."""
    start, end = local_bounds(ctx)
    return Scan.objects.filter(scan_made_between(start, end), gate_id__in=list(gates))


def gate_log_count(ctx: ExportContext) -> int:
    return _scans(ctx, _gates(ctx)).count()


def _local_clock(vendor: str) -> tuple[object, Callable[[object], datetime]]:
    """The scan time as SQL gives it fastest and its conversion to a naive local time. Django's loader of
    `timestamptz` parses in Python (≈9 µs a row, a fifth of the gate log's cost at 2,000,000 rows); the
    epoch of the local wall-clock time (Django's Extract converts to the current time zone first) comes
    as a double through psycopg's C loader, and is one addition from a naive local datetime."""
    made = Coalesce("scanned_at", "at")  # when the scan was made: an offline one at the device's time
    if vendor != "postgresql":
        tz = timezone.get_current_timezone()
        return made, lambda at: timezone.localtime(at, tz).replace(tzinfo=None)
    return Cast(Extract(made, "epoch"), FloatField()), lambda seconds: _EPOCH + timedelta(seconds=seconds)


_EPOCH = datetime(1970, 1, 1)


def gate_log_rows(ctx: ExportContext) -> Iterator[dict]:
    """Every scan, in the order the scans were made (an offline one at the device's time), streamed from a
    server-side cursor: the pass, the person and the guard come joined in SQL; the person's name is always
    masked (the issue: "person masked"). Times are local and naive (the writer takes them as they are); the
    reasons come as JSON text, read only when not []."""
    gates, labels = _gates(ctx), reason_labels()
    alias = router.db_for_read(Scan)
    clock, local = _local_clock(connections[alias].vendor)
    qs = (_scans(ctx, gates).using(alias).order_by(Coalesce("scanned_at", "at"), "id")
          .annotate(clock=clock, reason_text=Cast("reasons", TextField()))
          .values_list("clock", "gate_id", "direction", "pass_ref__number", "person__name", "decision",
                       "reason_text", "temperature", "plate", "guard__display_name", "guard__username"))
    # A community's few thousand names come back again and again: masked once each, in a bounded cache
    # of this export's own (no name outlives the export in the worker's memory).
    masked = lru_cache(maxsize=8192)(mask_name)
    yield from _gate_log_dicts(_tuples(qs, alias), gates, labels, local, masked)


def _tuples(qs, alias: str) -> Iterator[tuple]:
    """The query's rows from a server-side cursor. On PostgreSQL the ORM's per-row converters are skipped:
    every column is already what the rows need (a double, text, a Decimal), and they cost a quarter of
    the source's time at two million rows."""
    conn = connections[alias]
    if conn.vendor != "postgresql":
        yield from qs.iterator(chunk_size=CHUNK)
        return
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # a filter Django knows matches nothing (a community with no gates)
        return
    yield from _planned_for_every_row(conn, sql, params)


def _planned_for_every_row(conn, sql: str, params) -> Iterator[tuple]:
    """PostgreSQL plans a cursor for its first tenth of rows by default: the day's scans in time order then
    come from the index on `at` alone, reading every gate's scans to keep one community's (6 s for 40,000
    rows of 2,000,000). Planned for all its rows, the cursor reads the (gate, at) index and sorts. Without
    JIT: compiling the plan cost 2 of the 9 s the server spent on the 2,000,000 rows of fifty communities.

    Both settings are `SET LOCAL`, in a transaction of their own that plans the query: a session setting
    would outlive the export on a pooled connection (PgBouncer in transaction mode hands the server
    connection to the next client). The cursor is declared `WITH HOLD`, as Django declares its server-side
    cursors outside a transaction: PostgreSQL runs the query at the commit and keeps the rows for the
    fetches that follow, so the export's progress updates, made between fetches, commit as they go. With
    server-side cursors disabled (`DB_POOLER=transaction`), the rows come to the client in that transaction."""
    with transaction.atomic(using=conn.alias):
        with conn.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
            cursor.execute("SET LOCAL jit = off")
        if conn.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            cursor = conn.cursor()
            cursor.execute(sql, params)
            name = None
        else:
            name = f"fk_gate_log_{secrets.token_hex(6)}"
            cursor = conn.cursor()
            cursor.execute(f"DECLARE {name} NO SCROLL CURSOR WITH HOLD FOR {sql}", params)
    try:
        while True:
            if name is not None:
                cursor.execute(f"FETCH FORWARD {CHUNK} FROM {name}")
            rows = cursor.fetchmany(CHUNK)
            if not rows:
                return
            yield from rows
    finally:
        try:
            if name is not None:
                cursor.execute(f"CLOSE {name}")
        finally:
            cursor.close()


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
