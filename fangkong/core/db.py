"""Hand-written statements for the gate-scan path: the cursor they run on, and how their parameters
and result columns are adapted as the ORM would.

On PostgreSQL, Django's psycopg 3 cursor binds parameters client-side: the values are written into
the SQL text and the server parses a new statement every time. Sending the statement with its
parameters apart (server-side binding, psycopg's plain `Cursor`) halved the PostgreSQL backend's
CPU for a scan's four statements here (about 0.95 → 0.5 ms, docs/performance.md), and PostgreSQL
shares this machine's two cores with the application.

The statements sent this way are also prepared, once per connection (psycopg's `prepare_threshold`
0; ADR 0010): PostgreSQL then skips parsing and planning them, about half of its CPU for a scan
(1.3 → 0.65 ms, docs/performance.md). They are a handful of fixed texts (the token lookup, the
pass SELECT, the record), so the per-connection cache stays small. Django's own queries bind client-side
and are never prepared. A transaction-mode pooler needs to support prepared statements (PgBouncer
1.21+ with `max_prepared_statements`); behind one that does not, set `DB_PREPARED_STATEMENTS=0`.

The cursor is wrapped by Django like any other, so errors are Django's (IntegrityError…) and
CaptureQueriesContext / connection.queries see every statement. Other databases get Django's cursor.
The parameters of a statement run this way must be plain values (no Django expressions), and a
Python str travels as an untyped literal, as psycopg does by default, so PostgreSQL infers its
type from the column (a JSON text into jsonb works; inside an expression, such as CASE, it needs a
CAST to the column's type).

A `Statement` carries what the ORM would otherwise work out on every query: which parameters the
backend wants adapted (SQLite stores datetimes and dates as text, for one) and which result columns
it converts back. It is built once per database from the model fields the statement writes and reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import partial
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Field

from fangkong.core.internals import db_converters, json_text, server_binding_cursor


def binding_cursor(alias: str = DEFAULT_DB_ALIAS) -> CursorWrapper:
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return conn.cursor()
    return server_binding_cursor(conn, prepare=settings.DB_PREPARED_STATEMENTS)


Adapter = Callable[[Any], Any]

# A value of each kind the backend adapts; an adapter that hands it back as it is (PostgreSQL's for
# datetimes and dates, every backend's for decimals) is left out: a call per parameter for nothing.
_SAMPLES = {"DateTimeField": datetime(2000, 1, 1, tzinfo=UTC), "DateField": date(2000, 1, 1), "TimeField": time(1),
            "DecimalField": Decimal("1.0")}


def param_adapter(field: Field, conn: BaseDatabaseWrapper) -> Adapter | None:
    """How the ORM hands this backend a value written to or compared with `field`'s column (as
    `Field.get_db_prep_value` ends), or None when the value goes as it is. JSON goes as its text."""
    ops = conn.ops
    kind = field.get_internal_type()
    if kind == "JSONField":
        return json_text(field.encoder)
    adapter = {
        "DateTimeField": ops.adapt_datetimefield_value,
        "DateField": ops.adapt_datefield_value,
        "TimeField": ops.adapt_timefield_value,
        "DecimalField": partial(ops.adapt_decimalfield_value, max_digits=getattr(field, "max_digits", None),
                                decimal_places=getattr(field, "decimal_places", None)),
    }.get(kind)
    if adapter is None or adapter(_SAMPLES[kind]) is _SAMPLES[kind]:
        return None
    return adapter


@dataclass(frozen=True, slots=True)
class Statement:
    """A hand-written statement with its parameters' adapters and its result columns' converters."""

    sql: str
    alias: str
    adapters: tuple[tuple[int, Adapter], ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]

    def execute(self, cur: CursorWrapper, params: list) -> None:
        """Run with `params` (a fresh list, adapted in place), in the order of the statement's %s."""
        for i, adapt in self.adapters:
            params[i] = adapt(params[i])
        cur.execute(self.sql, params)

    def fetchone(self, cur: CursorWrapper) -> Sequence | None:
        row = cur.fetchone()
        if row is None or not self.converters:
            return row
        row = list(row)
        conn = connections[self.alias]
        for i, funcs, expression in self.converters:
            value = row[i]
            for convert in funcs:
                value = convert(value, expression, conn)
            row[i] = value
        return row


def statement(conn: BaseDatabaseWrapper, sql: str, *, params: Sequence[Field | None] = (),
              columns: Sequence[Field | None] = ()) -> Statement:
    """`params`: for each %s of `sql` in order, the field its value is written to or compared with
    (None: sent as it is). `columns`: for each result column, the field it reads (None: as it is)."""
    adapters = tuple((i, a) for i, f in enumerate(params) if f is not None and (a := param_adapter(f, conn)))
    converters = []
    for i, f in enumerate(columns):
        if f is not None:
            funcs, col = db_converters(f, conn)
            if funcs:
                converters.append((i, tuple(funcs), col))
    return Statement(sql, conn.alias, adapters, tuple(converters))


T = TypeVar("T")


class PerDatabase(Generic[T]):
    """What `build` makes of a database connection (statements: SQL text, adapters), built on first
    use and kept for each database alias. A backend's adapters depend on the settings only, not on
    the connection they were taken from, so one build serves every thread's connection."""

    def __init__(self, build: Callable[[BaseDatabaseWrapper], T]) -> None:
        self._build = build
        self._built: dict[str, T] = {}

    def __call__(self, alias: str = DEFAULT_DB_ALIAS) -> T:
        built = self._built.get(alias)
        if built is None:
            built = self._built[alias] = self._build(connections[alias])
        return built


def table_name(conn: BaseDatabaseWrapper, model: type) -> str:
    """`model`'s table, quoted for this database."""
    return conn.ops.quote_name(model._meta.db_table)


def column_name(conn: BaseDatabaseWrapper, model: type, field: str) -> str:
    """The column of `model`'s field `field` (its name, as in the model), quoted for this database."""
    return conn.ops.quote_name(model._meta.get_field(field).column)
