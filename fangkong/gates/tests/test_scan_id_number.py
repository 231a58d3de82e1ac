"""The ID card as the key: an ID number in the pass field finds the holder's pass in the gate's community
and is the ID shown; another community's resident, or nobody, is `unknown_pass`; a bad checksum is a
field error; each lookup is an exact search by ID number, audited and budgeted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fangkong.accounts.models import AuditEntry, SecurityAlert
from fangkong.core.identifiers import id_check_char
from fangkong.gates.models import Scan
from fangkong.passes.models import Pass
from fangkong.passes.services import pass_issue, pass_revoke


def scan(c, code, **kw):
    return c.post("/api/v1/scans", {"gate": "east", "direction": "out", "code": code, **kw},
                  content_type="application/json")


def id_searches(user):
    return AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.SEARCH, fields=["id_number"])


def nobodys_id_number() -> str:
    first17 = "37021219850607123"
    return first17 + id_check_char(first17)


def test_the_holders_id_number_finds_their_pass_and_is_the_id_shown(api_client, personas, temp_pass, tenant):
    c = api_client("guard")
    # A temporary pass needs the ID card (policy id_required): its number alone is refused for it...
    assert scan(c, temp_pass.number).json()["reasons"] == ["id_required"]
    # ...while the holder's ID number in the pass field finds the pass and needs no second ID entry.
    r = scan(c, tenant.id_number, temperature="36.5")
    assert r.status_code == 200, r.content
    answer = r.json()
    assert (answer["decision"], answer["reasons"]) == ("allow", [])
    assert answer["pass"]["number"] == temp_pass.number and answer["person"]["id_number"] == tenant.id_number_masked
    recorded = Scan.objects.get(pk=answer["scan"])
    assert (recorded.pass_ref_id, recorded.person_id, recorded.decision) == (temp_pass.pk, tenant.pk, "allow")
    # The way the reader types it: spaces, a lower-case x, full-width digits are all the same number.
    spaced = f"{tenant.id_number[:6]} {tenant.id_number[6:14]} {tenant.id_number[14:]}"
    assert scan(c, spaced, direction="in", temperature="36.5").json()["pass"]["number"] == temp_pass.number
    # A second ID typed as well is still compared with the holder's.
    mismatch = scan(c, tenant.id_number, direction="in", temperature="36.5", id_number=nobodys_id_number()).json()
    assert mismatch["reasons"] == ["id_mismatch"]


def test_the_console_takes_an_id_number_in_the_pass_field(login, temp_pass, tenant):
    r = login("guard").post("/gate/east/scan", {"direction": "out", "code": tenant.id_number, "id_number": ""},
                            HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert 'data-decision="allow"' in r.content.decode()
    assert Scan.objects.get().pass_ref_id == temp_pass.pk
    assert id_searches(r.wsgi_request.user).get().via == "web"


def test_another_communitys_resident_or_nobody_or_no_pass_is_unknown_pass(api_client, personas, places,
                                                                         make_person, gates, temp_pass):
    c = api_client("guard")
    neighbour = make_person(places["neighbour"].grids.first(), name="邻社区居民")
    pass_issue(actor=personas["admin"], person=neighbour, kind="resident", valid_from=date(2020, 1, 1),
               valid_until=date(2099, 12, 31))
    no_pass = make_person(places["grid1"], name="无证居民")
    revoked = make_person(places["grid2"], name="已吊销")
    p = pass_issue(actor=personas["office"], person=revoked, kind="resident", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 12, 31))
    pass_revoke(actor=personas["office"], number=p.number, reason="迁出")

    unknown = scan(c, "99999999").json()
    for number in (neighbour.id_number, nobodys_id_number(), no_pass.id_number, revoked.id_number):
        answer = scan(c, number).json()
        # Nothing tells these apart from a pass number that does not exist: no oracle.
        assert {k: v for k, v in answer.items() if k not in ("scan", "at")} == \
               {k: v for k, v in unknown.items() if k not in ("scan", "at")}
        assert answer["reasons"] == ["unknown_pass"] and answer["pass"] is None and answer["person"] is None
    assert not Scan.objects.filter(pass_ref__isnull=False).exists()


@pytest.mark.parametrize(("code", "error"), [
    ("370212199001011234", "id_checksum"),
    ("370212199013011235", "id_birth_date"),
    ("37021219900101123Y", "id_format"),
])
def test_a_malformed_id_number_is_a_clear_field_error(api_client, personas, temp_pass, code, error):
    if error == "id_birth_date":
        code = code[:17] + id_check_char(code[:17])
    r = scan(api_client("guard"), code)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "code" and r.json()["errors"][0]["code"] == error
    assert not Scan.objects.exists() and not id_searches(personas["guard"]).exists()  # no lookup was made


def test_lookups_by_id_number_count_against_the_guards_search_budget(api_client, personas, temp_pass, tenant,
                                                                     settings):
    settings.FANGKONG_IDENTIFIER_SEARCH_MISSES = 2
    guard = personas["guard"]
    c = api_client("guard")
    assert scan(c, temp_pass.number, id_number=tenant.id_number).json()["decision"] == "allow"
    assert not id_searches(guard).exists()  # the pass number is no search
    assert scan(c, tenant.id_number, direction="in", temperature="36.5").json()["decision"] == "allow"
    assert list(id_searches(guard).values_list("count", "via")) == [(1, "api")]
    assert scan(c, nobodys_id_number()).json()["reasons"] == ["unknown_pass"]  # miss 1
    assert not SecurityAlert.objects.filter(user=guard).exists()
    first17 = "11010119800101001"
    bad = first17 + ("0" if id_check_char(first17) != "0" else "1")
    assert scan(c, bad).status_code == 400  # a malformed number is no lookup, and no miss
    assert scan(c, first17 + id_check_char(first17)).json()["reasons"] == ["unknown_pass"]  # miss 2: budget used
    assert SecurityAlert.objects.filter(user=guard, kind=SecurityAlert.Kind.SEARCH_BLOCKED).exists()
    blocked = scan(c, tenant.id_number, direction="in", temperature="36.5")
    assert (blocked.status_code, blocked.json()["code"]) == (429, "search_blocked")
    # The QR code and the pass number still work: only lookups by ID number pause.
    assert scan(c, temp_pass.number, direction="in", temperature="36.5",
                id_number=tenant.id_number).json()["decision"] == "allow"
    # The typed number is stored nowhere: not in the audit, not with the scan.
    for entry in AuditEntry.objects.values():
        assert tenant.id_number not in str(entry) and nobodys_id_number() not in str(entry)
    for row in Scan.objects.values():
        assert tenant.id_number not in str(row)


def test_of_several_passes_the_one_valid_today_at_this_gate_is_taken(api_client, personas, tenant, gates):
    office, today = personas["office"], timezone.localdate()
    old = pass_issue(actor=office, person=tenant, kind="temporary", valid_from=today - timedelta(days=40),
                     valid_until=today - timedelta(days=10))
    elsewhere = pass_issue(actor=office, person=tenant, kind="temporary", valid_from=today,
                           valid_until=today + timedelta(days=60))
    elsewhere.gates.set([gates["north"]])
    here = pass_issue(actor=office, person=tenant, kind="temporary", valid_from=today - timedelta(days=1),
                      valid_until=today + timedelta(days=30))
    assert Pass.objects.filter(person=tenant).count() == 3 and old.valid_until < today
    c = api_client("guard")
    assert scan(c, tenant.id_number).json()["pass"]["number"] == here.number
    at_north = c.post("/api/v1/scans", {"gate": "north", "direction": "in", "code": tenant.id_number,
                                        "temperature": "36.6"}, content_type="application/json").json()
    assert at_north["pass"]["number"] == elsewhere.number  # the later one, valid here too
    # Only an expired pass left: it is still theirs, and refused as expired (as its QR code would be).
    Pass.objects.filter(pk__in=[here.pk, elsewhere.pk]).update(status=Pass.Status.REVOKED, revoked_at=timezone.now())
    expired = scan(c, tenant.id_number).json()
    assert expired["pass"]["number"] == old.number and "pass_expired" in expired["reasons"]


def test_a_mistyped_id_number_at_the_console_is_said_inline_and_records_nothing(login, gates):
    """A wrong check digit in the pass field: a 422 with the error on the console, no scan, no lookup."""
    before = (Scan.objects.count(), AuditEntry.objects.count())
    r = login("guard").post("/gate/east/scan", {"direction": "in", "code": "11010519491231002Y",
                                                "temperature": "36.5"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    assert "check digit" in r.content.decode().lower() or "checksum" in r.content.decode().lower()
    assert (Scan.objects.count(), AuditEntry.objects.count()) == before
