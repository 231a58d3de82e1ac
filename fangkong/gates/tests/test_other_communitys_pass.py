"""A gate answers only for its own community's passes: another community's pass number (or its signed
QR code) is answered exactly as a number that does not exist — no holder, kind or validity, no ID
comparison — in the API, the offline batch and the web console of every role that scans."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.gates.models import Scan
from fangkong.passes.services import pass_issue
from fangkong.passes.signing import pass_qr

NO_SUCH_NUMBER = "99999999"
# What differs between any two scans whatever they are.
PER_SCAN = ("scan", "at", "client_id")


@pytest.fixture
def theirs(personas, places, make_person, gates):
    """A valid pass of another street's community, its holder's ID number known to the attacker."""
    holder = make_person(places["far"].grids.get(), name="外社区居民")
    return pass_issue(actor=personas["admin"], person=holder, kind="resident", valid_from=date(2020, 1, 1),
                      valid_until=date(2099, 12, 31))


def _api(c, code: str, **kw) -> dict:
    r = c.post("/api/v1/scans", {"gate": "east", "direction": "out", "code": code, **kw},
               content_type="application/json")
    assert r.status_code == 200, r.content
    return {k: v for k, v in r.json().items() if k not in PER_SCAN}


def test_the_api_answers_another_communitys_pass_as_a_number_that_does_not_exist(api_client, theirs):
    c = api_client("guard")
    unknown = _api(c, NO_SUCH_NUMBER)
    assert unknown["reasons"] == ["unknown_pass"] and unknown["pass"] is None and unknown["person"] is None
    assert _api(c, theirs.number) == unknown
    assert _api(c, pass_qr(theirs)) == unknown


def test_an_id_number_is_not_compared_with_another_communitys_holder(api_client, theirs, make_person, places):
    """The attack: `id_mismatch` present or not told whether a guessed ID number was the holder's."""
    c = api_client("guard")
    someone_else = make_person(places["grid1"]).id_number
    right = _api(c, theirs.number, id_number=theirs.person.id_number)
    wrong = _api(c, theirs.number, id_number=someone_else)
    assert right == wrong == _api(c, NO_SUCH_NUMBER, id_number=someone_else)
    assert "id_mismatch" not in wrong["reasons"]


def test_the_recorded_scan_holds_nothing_of_the_pass(api_client, theirs):
    """The gate register (GET /scans) cannot tell the two apart either."""
    c = api_client("guard")
    _api(c, theirs.number, id_number=theirs.person.id_number)
    _api(c, NO_SUCH_NUMBER)
    got = list(Scan.objects.order_by("id").values("pass_ref", "person", "reasons", "decision"))
    assert got[0] == got[1] == {"pass_ref": None, "person": None, "reasons": ["unknown_pass"], "decision": "deny"}
    listed = api_client("leader").get("/api/v1/scans").json()
    assert [s["pass_number"] for s in listed] == [None, None]
    theirs.refresh_from_db()
    assert theirs.status == "active"  # nothing changed on the pass


def test_the_offline_batch_answers_the_same(api_client, theirs):
    scans = [{"gate": "east", "direction": "out", "code": code, "id_number": theirs.person.id_number,
              "client_id": f"b{i}", "scanned_at": (timezone.now() - timedelta(minutes=5 - i)).isoformat()}
             for i, code in enumerate([theirs.number, NO_SUCH_NUMBER])]
    r = api_client("guard").post("/api/v1/scans/batch", {"scans": scans}, content_type="application/json")
    assert r.status_code == 200, r.content
    first, second = ({k: v for k, v in x.items() if k not in PER_SCAN} for x in r.json()["results"])
    assert first == second and first["reasons"] == ["unknown_pass"] and first["person"] is None


@pytest.mark.parametrize("role", [Role.GUARD, Role.VOLUNTEER, Role.COMMITTEE_MEMBER, Role.COMMUNITY_LEADER,
                                  Role.ADMINISTRATOR])
def test_the_console_of_every_role_shows_nothing_of_it(login, places, theirs, role):
    scope = {} if role == Role.ADMINISTRATOR else {"communities": [places["home"]]}
    c = login(user_create(username=f"u-{role}", password="pw-x-12345", role=role, **scope))

    def answer(code: str, id_number: str) -> tuple[dict, str]:
        r = c.post("/gate/east/scan", {"direction": "out", "code": code, "id_number": id_number},
                   HTTP_HX_REQUEST="true")
        assert r.status_code == 200
        a = r.context["answer"]
        return {**a, "results": [{k: v for k, v in x.items() if k != "temperature"} for x in a["results"]]}, \
            r.content.decode()

    mine, html = answer(theirs.number, theirs.person.id_number)
    assert mine == answer(NO_SUCH_NUMBER, theirs.person.id_number)[0]
    assert mine["results"][0]["reasons"][0][0] == "unknown_pass" and len(mine["results"][0]["reasons"]) == 1
    for leak in (theirs.person.id_number_masked, "resident pass", "2099-12-31"):
        assert leak not in html
