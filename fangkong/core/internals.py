"""Every use of a private Django, psycopg or django-ninja API, in one module.

The gate-scan path takes a few shortcuts through other libraries' internals (what each saves is in
docs/performance.md). Each is here and nowhere else, and each is pinned by
`fangkong/core/tests/test_internals.py`: a signature check and a behavioural check, so that an
upgrade that changes what a shortcut relies on fails a test instead of a scan.

- `server_binding_cursor()`: a cursor made as Django's `connection.cursor()` makes one (health check,
  connection, error wrapping, the time zone of timestamptz values, CursorWrapper), but of psycopg's
  server-side binding class, which also lets Django's query log see prepared statements. Relies on
  `BaseDatabaseWrapper._prepare_cursor`, the PostgreSQL backend's `ServerBindingCursor`,
  `TIMESTAMPTZ_OID`, `register_tzloader` and its loader's `timezone`, and psycopg's
  `Cursor._send_query_prepared` and `Cursor._query`.
- `in_atomic_block()`: whether the connection is inside `transaction.atomic()`.
- `db_converters()`: the converters the ORM's compiler applies to a column (`Field.cached_col`).
- `json_text()`: `json.dumps` with the C encoder made once rather than on every call
  (`json.encoder.c_make_encoder`).
- `ShortChainHandler`: `BaseHandler._get_response` (URL resolving, view, view/template-response/
  exception middleware) behind a middleware chain of our choosing: `_view_middleware`,
  `_template_response_middleware`, `_exception_middleware`, `_middleware_chain`, `resolve_request`,
  `convert_exception_to_response`.
- `bearer_credentials()`: what django-ninja's `HttpBearer.__call__` passes to `authenticate`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Field
from django.db.models.expressions import Col
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch, URLResolver, get_resolver
from django.utils.module_loading import import_string

# --- Database cursors (PostgreSQL) -----------------------------------------------------------------

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


def server_binding_cursor(conn: BaseDatabaseWrapper, *, prepare: bool) -> CursorWrapper:
    """A PostgreSQL cursor that sends parameters apart from the statement and, with `prepare`, prepares
    every statement at its first use on the connection (psycopg's `prepare_threshold` 0); wrapped as
    Django wraps its own, so errors are Django's and CaptureQueriesContext sees every statement."""
    cursor_class, timestamptz_oid, text_format, register_tzloader = _postgres_names()
    # As BaseDatabaseWrapper._cursor(), with our cursor class instead of create_cursor()'s.
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    with conn.wrap_database_errors:
        threshold = 0 if prepare else None
        if conn.connection.prepare_threshold != threshold:
            conn.connection.prepare_threshold = threshold
        cursor = cursor_class(conn.connection)
        # As the PostgreSQL backend's create_cursor(): the time zone for timestamptz values, if the
        # connection's differs.
        if conn.connection.adapters.get_loader(timestamptz_oid, text_format).timezone != conn.timezone:
            register_tzloader(conn.timezone, cursor)
        return conn._prepare_cursor(cursor)


def in_atomic_block(conn: BaseDatabaseWrapper) -> bool:
    """Inside `transaction.atomic()` (a test's transaction included): a statement then runs in the
    caller's transaction rather than committing on its own."""
    return conn.in_atomic_block


# --- Result columns ----------------------------------------------------------------------------------


def db_converters(field: Field, conn: BaseDatabaseWrapper) -> tuple[list[Callable], Col]:
    """The functions the ORM's compiler applies to `field`'s column as read from this database (SQLite
    returns dates as text, for one), each called as `f(value, column, conn)`, and that column."""
    col = field.cached_col
    return conn.ops.get_db_converters(col) + col.get_db_converters(conn), col


def json_text(cls: type[json.JSONEncoder] | None = None) -> Callable[[Any], str | None]:
    """`json.dumps(value, cls=cls)` (None stays None, SQL NULL): JSONEncoder makes its C encoder anew on
    every call, a good part of the cost of dumping a short list such as a scan's reasons."""
    encoder = (cls or json.JSONEncoder)()
    make = json.encoder.c_make_encoder
    if make is None or cls is not None:  # no C accelerator, or an encoder that may override encode()
        return lambda value: None if value is None else encoder.encode(value)
    c_encode = make(None, encoder.default, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False,
                    True)

    def dumps(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):  # as JSONEncoder.encode: a str is encoded on its own
            return json.encoder.encode_basestring_ascii(value)
        return "".join(c_encode(value, 0))

    return dumps


# --- Request handling ---------------------------------------------------------------------------------


class ShortChainHandler(BaseHandler):
    """Django's request handling (URL resolving, view, view/template-response/exception middleware)
    behind the middleware of `paths` only; built once per process like Django's own chain.
    Synchronous, as the WSGI server is. A path matched without parameters (POST /api/v1/scans)
    keeps its match: URL resolution walks the API's routes in order on every request otherwise."""

    def __init__(self, paths: Iterable[str]) -> None:
        self._resolved: dict[str, tuple[URLResolver, ResolverMatch]] = {}
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(list(paths)):
            try:
                mw = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(mw, "process_view"):
                self._view_middleware.insert(0, mw.process_view)
            if hasattr(mw, "process_template_response"):
                self._template_response_middleware.append(mw.process_template_response)
            if hasattr(mw, "process_exception"):
                self._exception_middleware.append(mw.process_exception)
            handler = convert_exception_to_response(mw)
        self._middleware_chain = handler

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._middleware_chain(request)

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        """Django's, remembering the match of a path without parameters. Keyed by the resolver, which
        Django replaces when the URLconf changes."""
        if hasattr(request, "urlconf"):
            return super().resolve_request(request)
        resolver = get_resolver()
        hit = self._resolved.get(request.path_info)
        if hit is not None and hit[0] is resolver:
            match = hit[1]
        else:
            match = resolver.resolve(request.path_info)
            if not match.args and not match.kwargs:
                if len(self._resolved) >= 256:
                    self._resolved.clear()
                self._resolved[request.path_info] = (resolver, match)
        request.resolver_match = match
        return match


# --- API authentication ------------------------------------------------------------------------------


def bearer_credentials(request: HttpRequest, scheme: str) -> str | None:
    """The token django-ninja's `HttpBearer.__call__` hands to `authenticate`, or None where it hands
    nothing, read from META: `request.headers` builds a dictionary of every header first, 4 % of a
    gate scan's CPU. Unlike Ninja, a malformed header is not logged: it may be somebody's token."""
    parts = request.META.get("HTTP_AUTHORIZATION", "").split(" ")
    if len(parts) < 2 or parts[0].lower() != scheme:
        return None
    return " ".join(parts[1:])


__all__: list[Any] = [
    "ShortChainHandler", "bearer_credentials", "db_converters", "in_atomic_block", "json_text", "server_binding_cursor",
]
