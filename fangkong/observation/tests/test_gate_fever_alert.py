"""A fever at the gate is acted on: a scan refused for fever opens a `gate_fever` alert (person, gate,
temperature, guard) that the office sees with the other alerts, in the day's figures and the API; a
further refusal the same day updates it; an allowed scan opens none; it is scoped like the others."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from fangkong.gates.models import Gate, Scan
from fangkong.observation.models import Alert
from fangkong.observation.services import observation_start
from fangkong.passes.services import pass_issue

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as in production: the alert follows the commit


@pytest.fixture
def gates(places):
    home = places["home"]
    return {"east": Gate.objects.create(community=home, code="east", name="辽阳东路门岗"),
            "north": Gate.objects.create(community=home, code="north", name="北门岗")}


@pytest.fixture
def resident(places, make_person):
    return make_person(places["grid1"], name="发热居民")


@pytest.fixture
def resident_pass(personas, resident, gates):
    return pass_issue(actor=personas["office"], person=resident, kind="resident", valid_from=date(2020, 1, 1),
                      valid_until=date(2099, 12, 31))


def scan_in(c, p, temperature, gate="east"):
    r = c.post("/api/v1/scans", {"gate": gate, "direction": "in", "code": p.number, "temperature": temperature},
               content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()


def test_three_fever_refusals_keep_one_gate_fever_alert_seen_by_the_office(api_client, login, personas,
                                                                          resident_pass, resident):
    c = api_client("guard")
    first = scan_in(c, resident_pass, "37.5")
    assert first["reasons"] == ["fever"]
    alert = Alert.objects.get(kind=Alert.Kind.GATE_FEVER)  # opened by the refusal, at once
    assert (alert.person_id, alert.gate.code, alert.temperature, alert.reported_by) == (
        resident.pk, "east", Decimal("37.5"), personas["guard"])
    assert alert.scan_id == first["scan"] and alert.observation is None and alert.status == Alert.Status.OPEN
    assert (alert.community_id, alert.grid_id) == (resident.community_id, resident.grid_id)
    scan_in(c, resident_pass, "37.6")
    third = scan_in(c, resident_pass, "38.1", gate="north")
    alert = Alert.objects.get(kind=Alert.Kind.GATE_FEVER)  # still one: updated, not repeated
    assert (alert.temperature, alert.gate.code, alert.scan_id) == (Decimal("38.1"), "north", third["scan"])
    assert re.fullmatch(r"\d\d:\d\d 辽阳东路门岗 37\.5 °C; \d\d:\d\d 辽阳东路门岗 37\.6 °C; \d\d:\d\d 北门岗 38\.1 °C",
                        alert.detail), alert.detail
    assert Scan.objects.filter(decision="deny").count() == 3

    page = login("office").get("/observation/alerts/")
    html = page.content.decode()
    assert page.status_code == 200 and f'id="alert-{alert.pk}"' in html and "fever at the gate" in html
    assert "北门岗" in html and "38.1" in html and "guard" in html
    assert f"/people/{resident.pk}/" in html  # not under observation: the link goes to the dossier
    assert "fever at the gate 1" in " ".join(html.split())  # the day's figures
    assert 'id="open-alerts">1<' in html  # the open-alerts badge of the navigation counts it

    api = api_client("office").get("/api/v1/alerts?kind=gate_fever").json()
    assert [(a["id"], a["kind"], a["gate"], a["temperature"], a["reported_by"], a["observation"]) for a in api] == [
        (alert.pk, "gate_fever", "north", "38.1", "guard", None)]
    assert api[0]["person"]["name"] != resident.name  # masked like the others
    assert [a["kind"] for a in api_client("office").get("/api/v1/alerts").json()] == ["gate_fever"]


def test_an_allowed_scan_or_another_refusal_opens_no_alert(api_client, resident_pass, resident):
    c = api_client("guard")
    assert scan_in(c, resident_pass, "36.5")["decision"] == "allow"
    assert scan_in(c, resident_pass, "37.2")["decision"] == "allow"
    r = c.post("/api/v1/scans", {"gate": "east", "direction": "in", "code": resident_pass.number},
               content_type="application/json").json()
    assert r["reasons"] == ["temperature_required"]
    assert not Alert.objects.exists()


def test_the_alert_is_scoped_like_the_others(api_client, login, resident_pass):
    scan_in(api_client("guard"), resident_pass, "38.0")
    alert = Alert.objects.get(kind=Alert.Kind.GATE_FEVER)
    for who, sees in (("office", True), ("leader", True), ("grid1", True), ("grid2", False), ("outsider", False),
                      ("admin", True)):
        ids = [a["id"] for a in api_client(who).get("/api/v1/alerts").json()]
        assert (alert.pk in ids) is sees, who
        assert (f'id="alert-{alert.pk}"' in login(who).get("/observation/alerts/").content.decode()) is sees, who
    assert api_client("street").get("/api/v1/alerts").status_code == 403  # no health data for the street office
    assert api_client("grid2").post(f"/api/v1/alerts/{alert.pk}/acknowledge").status_code == 404


def test_it_is_acknowledged_and_closed_like_the_others_and_a_refusal_after_closing_opens_a_new_one(
        api_client, resident_pass):
    guard, office = api_client("guard"), api_client("office")
    scan_in(guard, resident_pass, "37.8")
    alert = Alert.objects.get()
    assert office.post(f"/api/v1/alerts/{alert.pk}/acknowledge").json()["status"] == "acknowledged"
    scan_in(guard, resident_pass, "37.9")  # acknowledged, still live: updated
    assert Alert.objects.get().temperature == Decimal("37.9")
    closed = office.post(f"/api/v1/alerts/{alert.pk}/close", {"action": "送发热门诊"}, content_type="application/json")
    assert closed.json()["status"] == "closed"
    scan_in(guard, resident_pass, "38.4")  # came back with a fever after it was dealt with: a new alert
    assert list(Alert.objects.order_by("id").values_list("status", "temperature")) == [
        ("closed", Decimal("37.9")), ("open", Decimal("38.4"))]


def test_a_person_under_observation_gets_the_alert_on_their_observation(api_client, personas, resident_pass,
                                                                         resident):
    from django.utils import timezone

    obs = observation_start(actor=personas["office"], person=resident, kind="home", start=timezone.localdate())
    scan_in(api_client("guard"), resident_pass, "38.2")
    alert = Alert.objects.get(kind=Alert.Kind.GATE_FEVER)
    assert alert.observation_id == obs.pk and alert.responsible_id == obs.responsible_id


@pytest.mark.django_db(transaction=False)
def test_a_day_of_refusals_keeps_the_first_and_the_latest_within_the_detail():
    from fangkong.observation.services import _refusals_detail

    detail = ""
    for i in range(30):
        detail = _refusals_detail(detail, f"08:{i:02d} 辽阳东路门岗 37.{i % 10} °C")
    entries = detail.split("; ")
    assert len(detail) <= 200 and entries[0] == "08:00 辽阳东路门岗 37.0 °C" and entries[1] == "…"
    assert entries[-1] == "08:29 辽阳东路门岗 37.9 °C" and entries[-2] == "08:28 辽阳东路门岗 37.8 °C"
