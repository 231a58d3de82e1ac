"""POST /api/v1/scans and friends, exercised as the contract is written."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.accounts.services import _scan_tokens
from fangkong.gates.models import Scan
from fangkong.passes.services import pass_issue


def body(p, **kw):
    return {"gate": "east", "direction": "out", "code": p.number, "id_number": p.person.id_number, **kw}


def test_allow_then_quota_with_masked_person(api_client, temp_pass):
    c = api_client("guard")
    r = c.post("/api/v1/scans", body(temp_pass), content_type="application/json")
    assert r.status_code == 200
    data = r.json()
    assert data["decision"] == "allow" and data["reasons"] == []
    assert data["pass"] == {"number": temp_pass.number, "kind": "temporary", "valid_until": "2099-12-31"}
    assert data["person"]["id_number"] == temp_pass.person.id_number_masked
    assert data["person"]["name"] != temp_pass.person.name and "*" in data["person"]["name"]
    assert isinstance(data["scan"], int)
    again = c.post("/api/v1/scans", body(temp_pass), content_type="application/json").json()
    assert (again["decision"], again["reasons"]) == ("deny", ["exit_quota_reached"])


def test_malformed_input_is_400_with_field_errors(api_client, temp_pass):
    c = api_client("guard")
    for bad in ({"gate": "east", "direction": "sideways", "code": "1"},
                {"gate": "east", "direction": "in", "code": "1", "temperature": "hot"},
                {"gate": "east", "direction": "in"},
                {"gate": "east", "direction": "in", "code": "1", "plate": "XX"}):
        r = c.post("/api/v1/scans", bad, content_type="application/json")
        assert r.status_code == 400, bad
        assert r.json()["errors"][0]["field"]
    assert not Scan.objects.exists()


def test_auth_and_scope(api_client, client, temp_pass):
    assert client.post("/api/v1/scans", body(temp_pass), content_type="application/json").status_code == 401
    r = api_client("guard").post("/api/v1/scans", body(temp_pass, gate="far"), content_type="application/json")
    assert r.status_code == 403
    assert not Scan.objects.exists()


def test_replay_returns_first_decision(api_client, temp_pass):
    c = api_client("guard")
    first = c.post("/api/v1/scans", body(temp_pass, client_id="x1"), content_type="application/json").json()
    again = c.post("/api/v1/scans", body(temp_pass, client_id="x1"), content_type="application/json").json()
    assert (again["scan"], again["decision"], again["replayed"]) == (first["scan"], "allow", True)
    assert Scan.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # autocommit, as in production: BEGIN/COMMIT show if sent
def test_a_scan_costs_at_most_six_statements_with_transaction_control(api_client, temp_pass):
    """Budget 6 with authentication, BEGIN and COMMIT. PostgreSQL: token, pass+holder+ban+gates, and the
    exit claim with the INSERT as one autocommitted statement (3); the token is then remembered for a
    few seconds (2). SQLite: token, pass, BEGIN, claim, INSERT, COMMIT."""
    c = api_client("guard")
    c.post("/api/v1/scans", body(temp_pass, direction="in", temperature="36.5"),
           content_type="application/json")  # warms the per-process caches (gate, scope, policy)
    _scan_tokens.clear()  # the measured scan authenticates against the database
    with CaptureQueriesContext(connection) as ctx:
        r = c.post("/api/v1/scans", body(temp_pass), content_type="application/json")
    assert r.json()["decision"] == "allow"
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) <= 6, statements
    assert any("accounts_apitoken" in s for s in statements), statements
    if connection.vendor == "postgresql":
        assert len(statements) == 3, statements
        assert not any(s.upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT")) for s in statements), statements
    with CaptureQueriesContext(connection) as ctx:
        again = c.post("/api/v1/scans", body(temp_pass), content_type="application/json")
    assert again.json()["reasons"] == ["exit_quota_reached"]
    assert len(ctx.captured_queries) == len(statements) - 1  # no token lookup this time
    assert not any("accounts_apitoken" in q["sql"] for q in ctx.captured_queries)


def test_batch_is_idempotent_and_flags_offline_double_exits(api_client, temp_pass):
    c = api_client("guard")
    scans = [body(temp_pass, client_id=f"off-{i}", scanned_at=f"2026-11-2{i}T09:00:00+08:00") for i in (1, 1)]
    scans[1]["client_id"] = "off-2"
    scans[1]["scanned_at"] = "2026-11-21T15:00:00+08:00"
    r = c.post("/api/v1/scans/batch", {"scans": scans}, content_type="application/json").json()
    assert [x["decision"] for x in r["results"]] == ["allow", "deny"]
    assert r["conflicts"] == 1 and r["results"][1]["conflict"] is True
    again = c.post("/api/v1/scans/batch", {"scans": scans}, content_type="application/json").json()
    assert [x["replayed"] for x in again["results"]] == [True, True]
    assert Scan.objects.count() == 2


def test_a_scan_time_ahead_of_the_servers_clock_beyond_the_tolerance_is_refused(api_client, temp_pass):
    """One tolerance for every client-supplied time (core.dates): a gate's clock may run 5 minutes fast."""
    from fangkong.core.dates import CLIENT_CLOCK_TOLERANCE

    c = api_client("guard")
    now = timezone.now()
    late = (now + CLIENT_CLOCK_TOLERANCE + timedelta(minutes=1)).isoformat()
    r = c.post("/api/v1/scans", body(temp_pass, client_id="f1", scanned_at=late), content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "scanned_at" and r.json()["errors"][0]["code"] == "in_future"
    batch = c.post("/api/v1/scans/batch", {"scans": [body(temp_pass, client_id="f2", scanned_at=late)]},
                   content_type="application/json")
    assert batch.status_code == 400 and batch.json()["errors"][0]["code"] == "in_future"
    assert not Scan.objects.exists()
    ahead = (now + CLIENT_CLOCK_TOLERANCE - timedelta(minutes=1)).replace(tzinfo=None).isoformat()  # Shanghai
    ok = c.post("/api/v1/scans", body(temp_pass, client_id="f3", scanned_at=ahead), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["decision"] == "allow"
    assert Scan.objects.get().scanned_at == timezone.make_aware(datetime.fromisoformat(ahead))


def test_scan_history_gates_passes_revoke_ban_and_sync(api_client, temp_pass, personas, places):
    guard, office = api_client("guard"), api_client("office")
    guard.post("/api/v1/scans", body(temp_pass), content_type="application/json")
    hist = guard.get(f"/api/v1/scans?pass={temp_pass.number}&gate=east").json()
    assert [h["decision"] for h in hist] == ["allow"]
    assert {g["code"] for g in guard.get("/api/v1/gates").json()} == {"east", "north"}
    listed = office.get("/api/v1/passes?kind=temporary&status=active").json()
    assert listed[0]["number"] == temp_pass.number and listed[0]["qr"].startswith("FK1")
    assert guard.get("/api/v1/passes").json()[0]["qr"] is None  # guards may not print
    revealed = office.get(f"/api/v1/passes/{temp_pass.number}?reveal=id_number").json()
    assert revealed["holder_id_number"] == temp_pass.person.id_number
    assert guard.get(f"/api/v1/passes/{temp_pass.number}?reveal=id_number").status_code == 403
    before = guard.get("/api/v1/gates/east/sync?since=0").json()
    r = guard.post(f"/api/v1/passes/{temp_pass.number}/revoke", {"reason": "强行闯入"},
                   content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    nxt = guard.post("/api/v1/scans", body(temp_pass, direction="in", temperature="36.6", gate="north"),
                     content_type="application/json").json()
    assert "pass_revoked" in nxt["reasons"]
    ban = guard.post("/api/v1/bans", {"id_number": temp_pass.person.id_number, "reason": "辱骂工作人员"},
                     content_type="application/json")
    assert ban.status_code == 201 and ban.json()["id_number"] == temp_pass.person.id_number_masked
    sync = guard.get(f"/api/v1/gates/east/sync?since={before['version']}").json()
    assert [e["kind"] for e in sync["events"]] == ["revoked", "banned"]
    assert sync["events"][0]["pass_number"] == temp_pass.number and sync["keys"]


def test_vehicle_plate_is_validated(personas, tenant, gates):
    import pytest

    from fangkong.core.errors import FieldError

    with pytest.raises(FieldError):
        pass_issue(actor=personas["office"], person=tenant, kind="vehicle", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 1, 1), plate="ABC123")
    p = pass_issue(actor=personas["office"], person=tenant, kind="vehicle", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 1, 1), plate="鲁B·12345")
    assert p.plate == "鲁B12345"
