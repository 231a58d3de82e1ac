"""A database cursor for the statements of the gate-scan path.

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
type from the column (a JSON text into jsonb works).
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper

_postgres: tuple | None = None  # what the PostgreSQL branch needs, imported on first use


def _postgres_names() -> tuple:
    global _postgres
    if _postgres is None:
        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
        from django.db.backends.postgresql.psycopg_any import register_tzloader
        from psycopg.pq import Format

        class PreparingCursor(ServerBindingCursor):
            def _send_query_prepared(self, name, pgq, *, binary=None):
                # psycopg records the statement it sends only when it is not prepared; Django's query
                # log (DEBUG, CaptureQueriesContext in tests) reads it from there.
                self._query = pgq
                super()._send_query_prepared(name, pgq, binary=binary)

        _postgres = (PreparingCursor, TIMESTAMPTZ_OID, Format.TEXT, register_tzloader)
    return _postgres


def binding_cursor(alias: str = DEFAULT_DB_ALIAS) -> CursorWrapper:
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return conn.cursor()
    cursor_class, timestamptz_oid, text_format, register_tzloader = _postgres_names()
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    with conn.wrap_database_errors:
        threshold = 0 if settings.DB_PREPARED_STATEMENTS else None
        if conn.connection.prepare_threshold != threshold:
            conn.connection.prepare_threshold = threshold
        cursor = cursor_class(conn.connection)
        # As Django's create_cursor(): the time zone for timestamptz values, if the connection's differs.
        if conn.connection.adapters.get_loader(timestamptz_oid, text_format).timezone != conn.timezone:
            register_tzloader(conn.timezone, cursor)
        return conn._prepare_cursor(cursor)  # the same wrapping as connection.cursor()
