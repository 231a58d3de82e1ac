"""A scan's client_id is the user's own: a replay returns the first answer to the same user only; another
user's identical client_id is a new scan of theirs, never the first one's answer, and a client_id known
in advance cannot swallow another device's scan."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.gates.models import Scan


def body(p, **kw):
    return {"gate": "east", "direction": "in", "code": p.number, "id_number": p.person.id_number,
            "temperature": "36.5", **kw}


def test_another_users_identical_client_id_is_a_new_scan(api_client, temp_pass):
    """The attack: the demo's client ids are predictable; replaying one returned someone's scan."""
    mine = api_client("guard").post("/api/v1/scans", body(temp_pass, client_id="demo-1"),
                                    content_type="application/json").json()
    theirs = api_client("leader").post("/api/v1/scans", {"gate": "east", "direction": "in", "code": "99999999",
                                                          "temperature": "36.6", "client_id": "demo-1"},
                                       content_type="application/json").json()
    assert theirs["replayed"] is False and theirs["scan"] != mine["scan"]
    assert theirs["pass"] is None and theirs["person"] is None and theirs["reasons"] == ["unknown_pass"]
    first = Scan.objects.get(pk=mine["scan"])
    assert (first.decision, first.pass_ref_id, str(first.temperature)) == ("allow", temp_pass.pk, "36.5")


def test_a_client_id_taken_first_by_another_user_does_not_swallow_the_scan(api_client, temp_pass):
    api_client("leader").post("/api/v1/scans", {"gate": "east", "direction": "in", "code": "99999999",
                                                "temperature": "36.6", "client_id": "next-id"},
                              content_type="application/json")
    r = api_client("guard").post("/api/v1/scans", body(temp_pass, client_id="next-id"),
                                 content_type="application/json").json()
    assert (r["decision"], r["replayed"], r["pass"]["number"]) == ("allow", False, temp_pass.number)
    assert Scan.objects.count() == 2


def test_the_same_user_still_gets_the_first_answer_and_writes_nothing(api_client, temp_pass):
    c = api_client("guard")
    first = c.post("/api/v1/scans", body(temp_pass, client_id="x"), content_type="application/json").json()
    with CaptureQueriesContext(connection) as ctx:
        again = c.post("/api/v1/scans", body(temp_pass, client_id="x", temperature="39.0"),
                       content_type="application/json").json()
    assert (again["scan"], again["decision"], again["replayed"]) == (first["scan"], "allow", True)
    assert Scan.objects.count() == 1
    assert any("client_id" in q["sql"] and "guard_id" in q["sql"] for q in ctx.captured_queries)
