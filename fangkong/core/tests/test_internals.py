"""Pins for every private Django, psycopg and django-ninja API that `fangkong.core.internals` uses
(nothing outside that module uses one).

Each test fails when an upgrade changes what a shortcut relies on: the attribute or function is
gone, its signature changed, or it no longer behaves as the shortcut assumes. A failure here means
revisiting the shortcut in core/internals.py (or dropping it), not loosening the test."""

from __future__ import annotations

import inspect
import json
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.utils import CursorWrapper
from django.db.models import Field
from django.db.models.expressions import Col
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path, set_urlconf
from ninja.security import HttpBearer

from fangkong.core import internals

P = inspect.Parameter


def parameters(func) -> list[tuple[str, object]]:
    """Names and kinds of a callable's parameters: what a caller or an override depends on."""
    return [(p.name, p.kind) for p in inspect.signature(func).parameters.values()]


SELF_REQUEST = [("self", P.POSITIONAL_OR_KEYWORD), ("request", P.POSITIONAL_OR_KEYWORD)]


@pytest.mark.parametrize("func, expected", [
    (BaseHandler._get_response, SELF_REQUEST),
    (BaseHandler.resolve_request, SELF_REQUEST),
    (convert_exception_to_response, [("get_response", P.POSITIONAL_OR_KEYWORD)]),
    (BaseDatabaseWrapper._prepare_cursor, [("self", P.POSITIONAL_OR_KEYWORD), ("cursor", P.POSITIONAL_OR_KEYWORD)]),
    (BaseDatabaseOperations.get_db_converters, [("self", P.POSITIONAL_OR_KEYWORD),
                                                ("expression", P.POSITIONAL_OR_KEYWORD)]),
    (Col.get_db_converters, [("self", P.POSITIONAL_OR_KEYWORD), ("connection", P.POSITIONAL_OR_KEYWORD)]),
    (HttpBearer.__call__, SELF_REQUEST),
    (HttpBearer.authenticate, [*SELF_REQUEST, ("token", P.POSITIONAL_OR_KEYWORD)]),
], ids=lambda v: getattr(v, "__qualname__", None) if callable(v) else "")
def test_signatures_are_as_relied_on(func, expected):
    assert parameters(func) == expected


def test_base_handler_keeps_its_middleware_lists_under_these_names():
    # ShortChainHandler fills the lists that _get_response reads; load_middleware is Django's filler.
    handler = BaseHandler()
    for name in ("_view_middleware", "_template_response_middleware", "_exception_middleware",
                 "_middleware_chain"):
        assert hasattr(BaseHandler, name), name
    handler.load_middleware()
    assert all(isinstance(getattr(handler, n), list)
               for n in ("_view_middleware", "_template_response_middleware", "_exception_middleware"))
    assert callable(handler._middleware_chain)


def test_field_cached_col_is_the_fields_column():
    from django.contrib.sessions.models import Session

    field = Session._meta.get_field("expire_date")
    assert isinstance(field.cached_col, Col) and field.cached_col.target is field
    assert field.cached_col is field.cached_col  # computed once: no cost per statement


# --- the short middleware chain, against Django's own handler ---------------------------------------

calls: list[str] = []


class Recording:
    """A middleware with every hook: the view hook answers /blocked, the template hook marks template
    responses, the exception hook turns ValueError into 418."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        calls.append("call")
        response = self.get_response(request)
        response["X-Recorded"] = "yes"
        return response

    def process_view(self, request, view, args, kwargs):
        calls.append("view")
        return HttpResponse("blocked", status=403) if request.path == "/blocked" else None

    def process_template_response(self, request, response):
        calls.append("template")
        response.context_data = {**(response.context_data or {}), "mark": "templated"}
        return response

    def process_exception(self, request, exception):
        calls.append("exception")
        return HttpResponse("teapot", status=418) if isinstance(exception, ValueError) else None


class NotUsed:
    def __init__(self, get_response) -> None:
        raise MiddlewareNotUsed


def _plain(request):
    return HttpResponse("plain")


def _templated(request):
    template = engines["django"].from_string("{{ mark }}")
    return TemplateResponse(request, template, {})


def _failing(request):
    raise ValueError("nope")


def _item(request, n):
    return HttpResponse(f"item {n}")


@pytest.fixture(autouse=True)
def _no_urlconf_left_behind():
    # Django's handler sets the thread's URLconf and resets it on request_finished, which these
    # handler calls do not send.
    yield
    set_urlconf(None)


urlpatterns = [path("plain", _plain), path("templated", _templated), path("failing", _failing),
               path("blocked", _plain), path("item/<int:n>", _item)]
MIDDLEWARE = ["fangkong.core.tests.test_internals.NotUsed", "fangkong.core.tests.test_internals.Recording"]


@override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=MIDDLEWARE)
@pytest.mark.parametrize("url", ["/plain", "/templated", "/failing", "/blocked", "/item/7"])
def test_the_short_chain_handles_a_request_as_djangos_handler(url):
    def answer(handler) -> tuple:
        calls.clear()
        response = handler(RequestFactory().get(url))
        return response.status_code, response.content, response.get("X-Recorded"), list(calls)

    django_handler = BaseHandler()
    django_handler.load_middleware()
    ours = answer(internals.ShortChainHandler(MIDDLEWARE))
    assert ours == answer(django_handler.get_response)
    assert ours[2] == "yes"


@override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=MIDDLEWARE)
def test_the_short_chain_remembers_matches_without_parameters_only():
    handler = internals.ShortChainHandler(MIDDLEWARE)
    first, again = RequestFactory().get("/plain"), RequestFactory().get("/plain")
    handler(first)
    handler(again)
    assert again.resolver_match is first.resolver_match and again.resolver_match.func is _plain
    assert handler(RequestFactory().get("/item/8")).content == b"item 8"
    assert list(handler._resolved) == ["/plain"]


# --- result converters, against the ORM's compiler -------------------------------------------------


def _converter(f) -> tuple:
    """A converter as compared here: a bound method by its object and function; a function the backend
    makes per query (SQLite's decimals) by its code."""
    return getattr(f, "__self__", None), getattr(f, "__func__", f).__code__


def test_db_converters_are_what_the_compiler_applies():
    """For every column of every model: the converters the compiler of `Model.objects.all()` applies."""
    checked = 0
    for model in apps.get_models():
        compiler = model._default_manager.all().query.get_compiler(connection=connection)
        compiler.setup_query()
        cols = [col for col, _, _ in compiler.select]
        from_compiler = {i: [_converter(f) for f in funcs] for i, (funcs, _) in compiler.get_converters(cols).items()}
        fields: list[Field] = [col.target for col in cols]
        ours = {i: [_converter(c) for c in funcs] for i, f in enumerate(fields)
                if (funcs := internals.db_converters(f, connection)[0])}
        assert all(internals.db_converters(f, connection)[1] is f.cached_col for f in fields)
        assert ours == from_compiler, model
        checked += len(fields)
    assert checked > 100


# --- JSON text, against json.dumps ----------------------------------------------------------------


class Code(StrEnum):
    QUOTA = "exit_quota_reached"


class Upper(json.JSONEncoder):
    def encode(self, o):
        return super().encode(o).upper()


@pytest.mark.parametrize("value", [[], [Code.QUOTA], ["fever", "banned"], {"a": [1, 2.5, None, True]}, "text",
                                   "中文", 3, 1.5, float("nan"), {"nested": {"k": "v"}, "n": -1}])
def test_json_text_is_what_json_dumps_writes(value):
    assert internals.json_text()(value) == json.dumps(value)
    assert internals.json_text(Upper)(value) == json.dumps(value, cls=Upper)


def test_json_text_keeps_none_and_refuses_what_json_refuses():
    assert internals.json_text()(None) is None
    with pytest.raises(TypeError):
        internals.json_text()([Decimal("1.5")])


def test_jsons_c_encoder_takes_what_json_text_gives_it():
    from json.encoder import c_make_encoder

    assert c_make_encoder is not None, "no C accelerator: json_text falls back to JSONEncoder.encode"
    encode = c_make_encoder(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None, ": ",
                            ", ", False, False, True)
    assert "".join(encode({"a": [1, "b"]}, 0)) == '{"a": [1, "b"]}'


# --- API authentication, against django-ninja --------------------------------------------------------


class EchoBearer(HttpBearer):
    def authenticate(self, request, token):
        return token or None  # as our lookup: an empty token authenticates nobody


@pytest.mark.parametrize("header", [None, "", "Bearer abc", "bearer abc", "BEARER abc", "Bearer", "Bearer ",
                                    "Basic abc", "Bearer a b", "Token abc", "abc", " Bearer abc", "Bearer  abc"])
def test_bearer_credentials_are_what_ninja_authenticates(header):
    request = RequestFactory().get("/api/v1/x", **({"HTTP_AUTHORIZATION": header} if header is not None else {}))
    assert (internals.bearer_credentials(request, "bearer") or None) == EchoBearer()(request)


# --- cursors and transactions -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_in_atomic_block_says_whether_a_transaction_is_open():
    assert internals.in_atomic_block(connection) is False
    with transaction.atomic():
        assert internals.in_atomic_block(connection) is True


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the server-binding cursor is PostgreSQL's")


@pytest.mark.django_db(transaction=True)
def test_postgres_backend_names_are_there():
    _postgresql_only()
    import psycopg
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    assert issubclass(ServerBindingCursor, psycopg.Cursor) and not issubclass(ServerBindingCursor,
                                                                            psycopg.ClientCursor)
    assert TIMESTAMPTZ_OID == psycopg.adapters.types["timestamptz"].oid
    assert parameters(register_tzloader) == [("tz", P.POSITIONAL_OR_KEYWORD), ("context", P.POSITIONAL_OR_KEYWORD)]
    assert parameters(psycopg.Cursor._send_query_prepared) == [
        ("self", P.POSITIONAL_OR_KEYWORD), ("name", P.POSITIONAL_OR_KEYWORD), ("pgq", P.POSITIONAL_OR_KEYWORD),
        ("binary", P.KEYWORD_ONLY)]


@pytest.mark.django_db(transaction=True)
def test_prepared_statements_reach_djangos_query_log():
    """psycopg records a statement in `Cursor._query` only when it is not prepared, and Django's query
    log reads it from there: without the override every prepared statement would log as another."""
    _postgresql_only()
    first, second = "SELECT %s::int AS first_statement", "SELECT %s::int AS second_statement"
    connection.close()
    with CaptureQueriesContext(connection) as ctx:
        with internals.server_binding_cursor(connection, prepare=True) as cur:
            assert isinstance(cur, CursorWrapper) and cur.db is connections[DEFAULT_DB_ALIAS]  # as Django wraps
            for sql, value in ((first, 1), (second, 2), (first, 3)):
                cur.execute(sql, [value])
                assert cur.fetchone() == (value,)
    logged = [q["sql"] or "" for q in ctx.captured_queries]
    assert ["first_statement" in s for s in logged] == [True, False, True], logged
    assert "second_statement" in logged[1], logged
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_prepared_statements")
        assert c.fetchone()[0] == 2  # both prepared, the first reused

    connection.close()
    with internals.server_binding_cursor(connection, prepare=False) as cur:
        cur.execute(first, [1])
        cur.execute(first, [2])
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_prepared_statements")
        assert c.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_timestamps_come_in_the_connections_time_zone_as_from_djangos_cursor():
    """Django's create_cursor() registers its time zone on a cursor whose connection disagrees, reading
    the `timezone` of the connection's timestamptz loader; the server-binding cursor does the same."""
    _postgresql_only()
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    connection.ensure_connection()
    register_tzloader(ZoneInfo("Asia/Tokyo"), connection.connection)  # a connection that disagrees
    try:
        with connection.cursor() as c:
            c.execute("SELECT now()")
            djangos = c.fetchone()[0].tzinfo
        with internals.server_binding_cursor(connection, prepare=False) as c:
            c.execute("SELECT now()")
            ours = c.fetchone()[0].tzinfo
        assert ours == djangos == connection.timezone != ZoneInfo("Asia/Tokyo")
    finally:
        connection.close()
