"""The person page's one timeline: visits, reports, observations, follow-ups, passes, scans and incidents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from fangkong.gates.models import Gate
from fangkong.gates.scanning import ScanRequest, scan_record
from fangkong.gates.services import incident_report
from fangkong.observation.returnees import ReportData, report_by_office, report_confirm
from fangkong.observation.services import followup_record
from fangkong.passes.services import pass_issue
from fangkong.registry.timeline import timeline
from fangkong.screening.services import MemberCheck, round_create, visit_record


def test_the_dossier_holds_every_kind_of_event(personas, places, make_person):
    office, today = personas["office"], timezone.localdate()
    person = make_person(places["grid1"], name="档案人")
    Gate.objects.create(community=places["home"], code="east", name="辽阳东路门岗")
    p = pass_issue(actor=office, person=person, kind="resident", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 1, 1))
    scan_record(actor=personas["guard"], req=ScanRequest(gate="east", direction="in", code=p.number,
                                                         temperature=Decimal("36.4")))
    incident_report(actor=personas["guard"], gate_code="east", kinds=["abuse"], description="辱骂门岗人员",
                    pass_numbers=[p.number])
    rnd = round_create(actor=office, community=places["home"], name="第一轮", starts_on=date(2020, 1, 1),
                       deadline=date(2099, 1, 1))
    visit_record(actor=personas["grid1"], rnd=rnd, household=person.household, outcome="seen",
                 checks=[MemberCheck(person_id=person.id, temperature="36.6")])
    report = report_by_office(actor=office, community=places["home"], data=ReportData(
        from_place="湖北省武汉市", arrival_date=today, person_id=person.id))
    report = report_confirm(actor=office, report=report)
    followup_record(actor=personas["grid1"], obs=report.observation, temperature="37.9")

    events = timeline(person)
    kinds = {e.kind for e in events}
    assert {"membership", "pass", "scan", "incident", "visit", "travel", "returnee", "observation", "followup",
            "alert"} <= kinds
    assert events[0].kind in {"followup", "alert"}  # newest first


def test_the_person_page_offers_observation_to_the_office_only(client, personas, places, make_person):
    person = make_person(places["grid1"])
    start = f"/observation/?person={person.pk}#start"
    client.login(username="office", password="pw-office")
    assert start in client.get(f"/people/{person.pk}/").content.decode()
    client.login(username="grid1", password="pw-grid1")
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200 and start not in page.content.decode()


def test_the_navigation_shows_what_the_role_may_open_and_the_open_alerts(client, personas, places, make_person):
    from fangkong.observation.services import observation_start

    person = make_person(places["grid1"])
    obs = observation_start(actor=personas["office"], person=person, kind="home", start=timezone.localdate())
    followup_record(actor=personas["grid1"], obs=obs, temperature="38.4")
    client.login(username="grid1", password="pw-grid1")
    page = client.get("/screening/").content.decode()
    assert 'href="/observation/alerts/"' in page and 'id="open-alerts">1<' in page
    client.login(username="grid2", password="pw-grid2")
    assert 'id="open-alerts"' not in client.get("/screening/").content.decode()  # not in grid 2's scope
    client.login(username="street", password="pw-street")
    page = client.get("/screening/").content.decode()
    assert 'href="/observation/"' not in page and 'href="/accounts/audit/"' not in page and 'href="/screening/"' in page


def test_the_street_office_reads_the_dossier_without_health_data(client, personas, places, make_person):
    from fangkong.observation.services import observation_start

    person = make_person(places["grid1"])
    obs = observation_start(actor=personas["office"], person=person, kind="home", start=timezone.localdate())
    followup_record(actor=personas["grid1"], obs=obs, temperature="38.6")
    kinds = {e.kind for e in timeline(person, reader=personas["street"])}
    assert "membership" in kinds and not kinds & {"observation", "followup", "alert"}
    assert {"observation", "followup", "alert"} <= {e.kind for e in timeline(person, reader=personas["office"])}
    client.login(username="street", password="pw-street")
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "38.6" not in page
