"""The gate register (`GET /api/v1/scans`, the dossier's gate events) by permission: only roles on gate
or health duty read it; temperatures and health reasons only roles with health permission."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from fangkong.accounts.roles import Role
from fangkong.accounts.services import token_create, user_create
from fangkong.gates.models import Incident, Scan
from fangkong.gates.scanning import ScanRequest, scan_record
from fangkong.gates.services import incident_report
from fangkong.passes.models import Pass
from fangkong.registry.timeline import timeline


@pytest.fixture
def fever_at_the_gate(personas, temp_pass):
    """One refusal for fever on the way in, one for observation on the way out."""
    scan_record(actor=personas["guard"], req=ScanRequest(gate="north", direction="in", code=temp_pass.number,
                                                         id_number=temp_pass.person.id_number,
                                                         temperature=Decimal("38.2")))
    Pass.objects.filter(pk=temp_pass.pk).update(status="suspended")
    scan_record(actor=personas["guard"], req=ScanRequest(gate="north", direction="out", code=temp_pass.number,
                                                         id_number=temp_pass.person.id_number))
    return temp_pass


@pytest.fixture
def volunteer(places):
    return user_create(username="volunteer", password="pw-volunteer", role=Role.VOLUNTEER,
                       communities=[places["home"]])


def test_the_street_office_may_not_list_scans(api_client, fever_at_the_gate):
    r = api_client("street").get("/api/v1/scans")
    assert r.status_code == 403
    assert Scan.objects.count() == 2  # nothing changed


def test_health_roles_read_temperatures_and_reasons(api_client, fever_at_the_gate):
    for who in ("office", "leader", "grid1"):
        rows = api_client(who).get("/api/v1/scans").json()
        assert [(s["reasons"], s["temperature"]) for s in rows] == [
            (["under_observation"], None), (["fever"], "38.2")], who


def test_guards_and_volunteers_read_movements_without_health_information(api_client, personas, volunteer,
                                                                         fever_at_the_gate):
    vol = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=volunteer)}")
    for c in (api_client("guard"), vol):
        rows = c.get("/api/v1/scans").json()
        assert [(s["direction"], s["decision"], s["reasons"], s["temperature"]) for s in rows] == [
            ("out", "deny", ["health_check"], None), ("in", "deny", ["health_check"], None)]
        assert "38.2" not in c.get("/api/v1/scans").content.decode()


def test_other_reasons_stay_beside_a_hidden_health_reason(api_client, personas, temp_pass):
    scan_record(actor=personas["guard"], req=ScanRequest(gate="north", direction="in", code=temp_pass.number,
                                                         temperature=Decimal("39.0")))
    [row] = api_client("guard").get("/api/v1/scans").json()
    assert row["reasons"] == ["id_required", "health_check"] and row["temperature"] is None


def _gate_events(person, reader):
    return [e for e in timeline(person, reader=reader) if e.kind in ("scan", "incident")]


def test_the_dossier_gate_events_need_the_register_permission(personas, fever_at_the_gate):
    person = fever_at_the_gate.person
    incident_report(actor=personas["guard"], gate_code="north", kinds=[Incident.Kind.FEVER],
                    description="发热不听劝阻强行进入", pass_numbers=[fever_at_the_gate.number])
    assert _gate_events(person, personas["street"]) == []
    office = _gate_events(person, personas["office"])
    assert any("38.2 °C" in e.detail for e in office)
    assert any("发热不听劝阻" in e.detail for e in office)


def test_the_dossier_gate_events_hide_health_details_without_health_permission(personas, volunteer,
                                                                               fever_at_the_gate):
    person = fever_at_the_gate.person
    incident_report(actor=personas["guard"], gate_code="north", kinds=[Incident.Kind.FEVER],
                    description="发热不听劝阻强行进入", pass_numbers=[fever_at_the_gate.number])
    for reader in (personas["guard"], volunteer):
        events = _gate_events(person, reader)
        assert {e.kind for e in events} == {"scan", "incident"}
        text = " ".join(e.detail for e in events)
        assert "38.2" not in text and "发热" not in text
        assert "fever" not in text.lower() and "observation" not in text.lower()
