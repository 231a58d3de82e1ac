"""The audit log names the gates' objects (gates/audit_names.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fangkong.accounts.audit_names import names_of
from fangkong.gates.models import Incident


def test_an_incident_is_named_by_its_gate_and_time(personas, places, gates):
    incident = Incident.objects.create(community=places["home"], gate=gates["east"], reported_by=personas["guard"],
                                       at=datetime(2026, 11, 30, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai")),
                                       kinds=[], description="")
    named = names_of([("incident", str(incident.pk))])[("incident", str(incident.pk))]
    assert named.text == "辽阳东路门岗 · 2026-11-30 09:05"
