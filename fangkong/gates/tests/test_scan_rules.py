"""The scan rules, each with the reason code a guard sees, and that refusals change nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from fangkong.gates.models import Scan
from fangkong.gates.scanning import ScanRequest, scan_record
from fangkong.passes.models import ExitCount, Pass
from fangkong.passes.services import ban_create, pass_issue, pass_reissue, pass_revoke
from fangkong.passes.signing import pass_qr

SH = ZoneInfo("Asia/Shanghai")


def scan(personas, p, direction="out", gate="east", **kw):
    code = kw.pop("code", None) or p.number
    kw.setdefault("id_number", p.person.id_number)
    if direction == "in":
        kw.setdefault("temperature", Decimal("36.5"))
    return scan_record(actor=personas["guard"], req=ScanRequest(gate=gate, direction=direction, code=code, **kw))


def test_temporary_pass_allows_one_exit_a_day_and_every_return(personas, temp_pass):
    assert scan(personas, temp_pass).decision == "allow"
    second = scan(personas, temp_pass, gate="north")
    assert (second.decision, second.reasons) == ("deny", ["exit_quota_reached"])
    assert scan(personas, temp_pass, "in").decision == "allow"
    assert scan(personas, temp_pass, "in").decision == "allow"
    assert Scan.objects.count() == 4


def test_the_day_turns_at_midnight_in_shanghai(personas, temp_pass):
    late = datetime(2026, 11, 28, 23, 59, 59, tzinfo=SH)
    just_after = datetime(2026, 11, 29, 0, 0, 0, tzinfo=SH)
    assert scan(personas, temp_pass, scanned_at=late, client_id="a").decision == "allow"
    assert scan(personas, temp_pass, scanned_at=just_after, client_id="b").decision == "allow"
    assert scan(personas, temp_pass, scanned_at=just_after.replace(hour=8), client_id="c").reasons == [
        "exit_quota_reached"]
    assert sorted(ExitCount.objects.values_list("day", flat=True)) == [date(2026, 11, 28), date(2026, 11, 29)]


def test_an_exit_quota_of_zero_lets_nobody_out(personas, temp_pass, places):
    from fangkong.policy.services import policy_set

    policy_set(actor=personas["leader"], key="exit_quota", value={"temporary": 0}, community=places["home"],
               effective_from=date(2020, 1, 1))
    out = scan(personas, temp_pass)
    assert (out.decision, out.reasons, out.scan.conflict) == ("deny", ["exit_quota_reached"], False)
    offline = scan(personas, temp_pass, client_id="o1", scanned_at=datetime(2026, 11, 29, 9, 0, tzinfo=SH))
    assert (offline.decision, offline.scan.conflict) == ("deny", True)  # the device let them out: flagged
    assert not ExitCount.objects.exists()
    assert scan(personas, temp_pass, "in").decision == "allow"


def test_a_denied_exit_does_not_use_the_quota(personas, temp_pass):
    assert scan(personas, temp_pass, id_number=None).reasons == ["id_required"]
    assert not ExitCount.objects.exists()
    assert scan(personas, temp_pass).decision == "allow"


def test_id_card_rules(personas, temp_pass, make_person, places):
    other = make_person(places["grid1"])
    assert scan(personas, temp_pass, id_number=None).reasons == ["id_required"]
    assert scan(personas, temp_pass, id_number=other.id_number).reasons == ["id_mismatch"]
    resident = pass_issue(actor=personas["office"], person=other, kind="resident", valid_from=date(2020, 1, 1),
                          valid_until=date(2099, 1, 1))
    assert scan(personas, resident, id_number=None).decision == "allow"  # residents need no ID by default


def test_revoked_pass_is_refused_at_every_gate(personas, temp_pass):
    pass_revoke(actor=personas["guard"], number=temp_pass.number, reason="强行闯入并辱骂工作人员")
    for gate in ("east", "north"):
        assert "pass_revoked" in scan(personas, temp_pass, gate=gate).reasons


def test_reissue_kills_the_old_card(personas, temp_pass):
    old_qr = pass_qr(temp_pass)
    pass_reissue(actor=personas["office"], number=temp_pass.number)
    temp_pass.refresh_from_db()
    assert scan(personas, temp_pass, code=old_qr).reasons == ["pass_revoked"]
    assert scan(personas, temp_pass, "in", code=pass_qr(temp_pass)).decision == "allow"


def test_validity_window(personas, tenant, gates):
    future = pass_issue(actor=personas["office"], person=tenant, kind="resident", valid_from=date(2099, 1, 1),
                        valid_until=date(2099, 2, 1))
    past = pass_issue(actor=personas["office"], person=tenant, kind="service", valid_from=date(2020, 1, 1),
                      valid_until=date(2020, 2, 1))
    assert scan(personas, future).reasons == ["pass_not_yet_valid"]
    assert scan(personas, past).reasons == ["pass_expired"]


def test_pass_for_chosen_gates_only(personas, tenant, gates):
    p = pass_issue(actor=personas["office"], person=tenant, kind="resident", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 1, 1), gates=[gates["north"]])
    assert scan(personas, p, gate="east").reasons == ["gate_not_allowed"]
    assert scan(personas, p, gate="north").decision == "allow"


def test_banned_person_is_refused(personas, temp_pass, places):
    ban_create(actor=personas["guard"], community=places["home"], id_number=temp_pass.person.id_number,
               reason="拒不配合检查")
    assert "banned" in scan(personas, temp_pass, "in").reasons


def test_temperature_on_entry(personas, temp_pass):
    assert scan(personas, temp_pass, "in", temperature=None).reasons == ["temperature_required"]
    assert scan(personas, temp_pass, "in", temperature=Decimal("37.3")).reasons == ["fever"]
    assert scan(personas, temp_pass, "in", temperature=Decimal("37.2")).decision == "allow"


def test_suspended_pass_cannot_go_out(personas, temp_pass):
    Pass.objects.filter(pk=temp_pass.pk).update(status="suspended")
    assert scan(personas, temp_pass).reasons == ["under_observation"]


def test_qr_and_typed_number_and_bad_codes(personas, temp_pass):
    qr = pass_qr(temp_pass)
    assert scan(personas, temp_pass, "in", code=qr).decision == "allow"
    altered = qr[:-5] + ("A" if qr[-5] != "A" else "B") + qr[-4:]
    assert scan(personas, temp_pass, "in", code=altered).reasons == ["bad_signature"]
    assert scan(personas, temp_pass, "in", code="99999999").reasons == ["unknown_pass"]


def test_replayed_client_id_returns_the_first_decision_and_records_nothing(personas, temp_pass):
    first = scan(personas, temp_pass, client_id="dev1-0001")
    again = scan(personas, temp_pass, client_id="dev1-0001")
    assert (again.decision, again.scan.pk, again.replayed) == ("allow", first.scan.pk, True)
    assert Scan.objects.count() == 1 and ExitCount.objects.get().exits == 1


def test_gate_outside_scope_and_unknown_gate(personas, temp_pass):
    from fangkong.core.errors import FieldError, PermissionDenied

    with pytest.raises(PermissionDenied):
        scan(personas, temp_pass, gate="far")
    with pytest.raises(FieldError):
        scan(personas, temp_pass, gate="nope")
    assert not Scan.objects.exists()
