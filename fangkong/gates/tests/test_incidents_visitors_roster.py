from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from fangkong.core.errors import FieldError
from fangkong.gates.models import Incident, Visitor
from fangkong.gates.scanning import ScanRequest, scan_record
from fangkong.gates.services import incident_report, roster_gaps, shift_add, visitor_register
from fangkong.passes.models import Ban, Pass
from fangkong.registry.validation import ValidationErrors
from fangkong.workgroup.models import Member
from fangkong.workgroup.services import member_add, working_group_create

SH = ZoneInfo("Asia/Shanghai")


def test_incident_with_revoke_and_ban_takes_effect_at_every_gate(personas, temp_pass):
    incident = incident_report(actor=personas["guard"], gate_code="east", kinds=["forced_entry", "abuse"],
                               description="持证无身份证，强行闯入并辱骂工作人员", pass_numbers=[temp_pass.number],
                               revoke=True, ban=True)
    assert incident.revoked_passes == [temp_pass.number] and incident.banned
    assert Pass.objects.get(pk=temp_pass.pk).status == "revoked"
    assert Ban.objects.filter(person=temp_pass.person).exists()
    out = scan_record(actor=personas["guard"], req=ScanRequest(gate="north", direction="in", code=temp_pass.number,
                                                               id_number=temp_pass.person.id_number,
                                                               temperature=Decimal("36.5")))
    assert set(out.reasons) == {"pass_revoked", "banned"}


def test_incident_without_actions_changes_no_pass(personas, temp_pass):
    incident_report(actor=personas["guard"], gate_code="east", kinds=["refused_check"], description="拒绝测温",
                    pass_numbers=[temp_pass.number])
    assert Pass.objects.get(pk=temp_pass.pk).status == "active" and not Ban.objects.exists()


def test_incident_needs_kind_and_description_and_known_passes(personas, temp_pass):
    for kwargs in ({"kinds": [], "description": "x"}, {"kinds": ["bogus"], "description": "x"},
                   {"kinds": ["other"], "description": " "}, {"kinds": ["other"], "description": "x",
                                                              "pass_numbers": ["12345678"]}):
        with pytest.raises(FieldError):
            incident_report(actor=personas["guard"], gate_code="east", **kwargs)
    assert not Incident.objects.exists()


def test_visitor_registration_follows_policy(personas, places, gates):
    ok = visitor_register(actor=personas["guard"], gate_code="east", name="访客", id_number="11010519491231002X",
                          phone="13812345678", reason="探望老人", temperature=Decimal("36.6"), household_text="3号楼")
    assert (ok.decision, ok.id_number_masked) == ("allow", "1101**********002X")
    hot = visitor_register(actor=personas["guard"], gate_code="east", name="访客", id_number="11010519491231002X",
                           phone="13812345678", reason="探望", temperature=Decimal("37.5"), household_text="3号楼")
    assert hot.reasons == ["fever"]
    with pytest.raises(ValidationErrors) as exc:
        visitor_register(actor=personas["guard"], gate_code="east", name="", id_number="123", phone="1",
                         reason="", temperature=Decimal("36.5"))
    assert {e.field for e in exc.value.errors} == {"name", "id_number", "phone", "reason", "household"}
    assert Visitor.objects.count() == 2


def test_roster_gaps_over_the_next_48_hours(personas, places, gates):
    group = working_group_create(actor=personas["leader"], community=places["home"], name="组",
                                 established=date(2020, 1, 24))
    leader = member_add(actor=personas["leader"], group=group, name="带班", position=Member.Position.COMMITTEE)
    start = datetime(2026, 11, 29, 0, 0, tzinfo=SH)
    shift_add(actor=personas["leader"], gate=gates["east"], starts_at=start, ends_at=start + timedelta(hours=8),
              leader=leader, staff=[personas["guard"]])
    shift_add(actor=personas["leader"], gate=gates["east"], starts_at=start + timedelta(hours=8),
              ends_at=start + timedelta(hours=16), leader=leader)
    gaps = roster_gaps(gate=gates["east"], start=start)
    assert gaps == [(start + timedelta(hours=16), start + timedelta(hours=48))]
    with pytest.raises(FieldError):
        shift_add(actor=personas["leader"], gate=gates["east"], starts_at=start, ends_at=start, leader=leader)
