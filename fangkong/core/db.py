"""A database cursor for the statements of the gate-scan path.

On PostgreSQL, Django's psycopg 3 cursor binds parameters client-side: the values are written into
the SQL text and the server parses a new statement every time. Sending the statement with its
parameters apart (server-side binding, psycopg's plain `Cursor`) halved the PostgreSQL backend's
CPU for a scan's four statements here (about 0.95 → 0.5 ms, docs/performance.md), and PostgreSQL
shares this machine's two cores with the application. Statements are not prepared (psycopg's
`prepare_threshold` stays Django's None), so transaction-mode connection poolers keep working.

The cursor is wrapped by Django like any other, so errors are Django's (IntegrityError…) and
CaptureQueriesContext / connection.queries see every statement. Other databases get Django's cursor.
The parameters of a statement run this way must be plain values (no Django expressions), and a
Python str travels as an untyped literal, as psycopg does by default, so PostgreSQL infers its
type from the column (a JSON text into jsonb works).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper

_postgres: tuple | None = None  # what the PostgreSQL branch needs, imported on first use


def _postgres_names() -> tuple:
    global _postgres
    if _postgres is None:
        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
        from django.db.backends.postgresql.psycopg_any import register_tzloader
        from psycopg.pq import Format

        _postgres = (ServerBindingCursor, TIMESTAMPTZ_OID, Format.TEXT, register_tzloader)
    return _postgres


def binding_cursor(alias: str = DEFAULT_DB_ALIAS) -> CursorWrapper:
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return conn.cursor()
    cursor_class, timestamptz_oid, text_format, register_tzloader = _postgres_names()
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    with conn.wrap_database_errors:
        cursor = cursor_class(conn.connection)
        # As Django's create_cursor(): the time zone for timestamptz values, if the connection's differs.
        if conn.connection.adapters.get_loader(timestamptz_oid, text_format).timezone != conn.timezone:
            register_tzloader(conn.timezone, cursor)
        return conn._prepare_cursor(cursor)  # the same wrapping as connection.cursor()
