"""The shortcuts on the scan path keep the contract: the answer is the schema's, the API keeps its
headers and locale, the token's user is a whole user, and the scan's statements are prepared. The
shortcuts themselves are tested in fangkong/core/tests (test_db, test_middleware, test_internals)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import connection
from ninja.responses import NinjaJSONEncoder

from fangkong.accounts.services import token_authenticate, token_create
from fangkong.gates.api import ScanOut


def body(p, **kw):
    return {"gate": "east", "direction": "out", "code": p.number, "id_number": p.person.id_number, **kw}


def as_ninja_would(data: dict) -> dict:
    """What Ninja gives for `response=ScanOut, by_alias=True`: validated, dumped, JSON-encoded."""
    return json.loads(json.dumps(ScanOut.model_validate(data).model_dump(by_alias=True), cls=NinjaJSONEncoder))


def test_scan_answers_are_exactly_what_the_schema_gives(api_client, temp_pass):
    c = api_client("guard")
    answers = [
        c.post("/api/v1/scans", body(temp_pass, client_id="a1"), content_type="application/json"),  # allow
        c.post("/api/v1/scans", body(temp_pass), content_type="application/json"),  # deny: quota
        c.post("/api/v1/scans", body(temp_pass, client_id="a1"), content_type="application/json"),  # replayed
        c.post("/api/v1/scans", body(temp_pass, code="999"), content_type="application/json"),  # no pass
        c.post("/api/v1/scans", body(temp_pass, code="FK1" + "A" * 108), content_type="application/json"),
    ]
    for r in answers:
        assert r.status_code == 200
        assert r["Content-Type"] == "application/json; charset=utf-8"
        assert r.json() == as_ninja_would(r.json())
    allow, deny, replay, unknown, forged = (r.json() for r in answers)
    assert (allow["decision"], deny["reasons"]) == ("allow", ["exit_quota_reached"])
    assert replay["replayed"] is True and replay["scan"] == allow["scan"] and replay["at"] == allow["at"]
    assert unknown["pass"] is None and unknown["person"] is None and unknown["reasons"] == ["unknown_pass"]
    assert forged["reasons"] == ["bad_signature"]
    assert allow["at"].endswith("Z")


def test_api_requests_keep_their_headers_and_language_without_session_middleware(api_client, temp_pass):
    r = api_client("guard").post("/api/v1/scans", body(temp_pass, code="999"), content_type="application/json",
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["messages"] == ["No such pass"]
    assert r["Content-Language"] == "en" and "Accept-Language" in r["Vary"]
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"
    assert int(r["Content-Length"]) == len(r.content)
    assert not r.cookies  # no session or CSRF cookie on the API
    zh = api_client("guard").post("/api/v1/scans", body(temp_pass, code="999"), content_type="application/json")
    assert zh["Content-Language"] == "zh-hans" and zh.json()["messages"] != ["No such pass"]


def test_pages_still_take_the_whole_middleware_chain(client, db):
    r = client.get("/accounts/login/")
    assert r.status_code == 200 and "csrftoken" in r.cookies  # CsrfViewMiddleware ran
    assert hasattr(r.wsgi_request, "user") and hasattr(r.wsgi_request, "htmx")


def test_token_user_is_a_whole_user(personas):
    key = token_create(user=personas["guard"])
    user = token_authenticate(key)
    assert user == personas["guard"] and user.get_deferred_fields() == set()
    assert (user.username, user.role, user.is_active) == ("guard", personas["guard"].role, True)
    assert user.date_joined == personas["guard"].date_joined and user.date_joined.tzinfo is not None
    assert user._state.adding is False and user._state.db == "default"
    assert all(token_authenticate(bad) is None for bad in ("nope", "", "x" * 201))


@pytest.mark.django_db(transaction=True)
def test_scan_statements_are_prepared_once_per_connection_and_orm_queries_never(api_client, temp_pass, settings):
    """PostgreSQL plans the pass SELECT and the record once per connection, not on every scan; Django's
    own (client-side bound) queries stay unprepared; DB_PREPARED_STATEMENTS=0 turns it off."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")

    def prepared() -> list[str]:
        with connection.cursor() as c:
            c.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in c.fetchall()]

    c = api_client("guard")
    connection.close()
    for kw in ({"direction": "in", "temperature": "36.5"}, {}, {}):
        assert c.post("/api/v1/scans", body(temp_pass, **kw), content_type="application/json").status_code == 200
    statements = prepared()
    assert any("passes_pass" in s and "registry_person" in s for s in statements), statements
    assert any("INSERT INTO" in s and "gates_scan" in s for s in statements), statements
    assert all("$1" in s for s in statements)  # only the parameter-apart statements of the scan path
    assert len(statements) == len(set(statements))  # each prepared once, reused after

    settings.DB_PREPARED_STATEMENTS = False
    connection.close()
    assert c.post("/api/v1/scans", body(temp_pass), content_type="application/json").status_code == 200
    assert prepared() == []


def test_api_language_follows_the_language_cookie(api_client, temp_pass):
    c = api_client("guard")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = c.post("/api/v1/scans", body(temp_pass, code="999"), content_type="application/json",
               HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert r["Content-Language"] == "en" and r.json()["messages"] == ["No such pass"]
