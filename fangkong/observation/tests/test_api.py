"""The observation API, exercised from outside as a client writes it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.observation.models import Alert, Observation


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def person(places, make_person):
    return make_person(places["grid1"], name="返青人员")


def test_start_follow_up_alert_end(api_client, person):
    office, grid1 = api_client("office"), api_client("grid1")
    r = post(office, "/api/v1/observations", {"id_number": person.id_number, "kind": "home", "start": "2026-11-20"})
    assert r.status_code == 201, r.content
    obs = r.json()
    assert obs["status"] == "active" and obs["start"] == "2026-11-20" and obs["planned_end"] == "2026-12-04"
    assert obs["person"]["id_number"] != person.id_number and "*" in obs["person"]["id_number"]

    r = post(grid1, f"/api/v1/observations/{obs['id']}/followups", {"temperature": 37.6, "symptoms": ["cough"]})
    assert r.status_code == 201, r.content
    assert r.json()["fever"] is True and r.json()["alert"]
    r = post(grid1, f"/api/v1/observations/{obs['id']}/followups", {"temperature": 36.6, "symptoms": []})
    assert r.status_code == 201 and r.json()["alert"] is None

    r = grid1.get("/api/v1/alerts?status=open")
    assert r.status_code == 200
    fevers = [a for a in r.json() if a["kind"] == "fever"]
    assert len(fevers) == 1 and fevers[0]["observation"] == obs["id"]
    assert fevers[0]["person"]["name"] != person.name and fevers[0]["person"]["id_number"] == person.id_number_masked
    assert {a["kind"] for a in r.json()} <= {"fever", "missed_followup"}

    r = post(office, f"/api/v1/observations/{obs['id']}/end", {"status": "ended_early", "reason": "转入医院"})
    assert r.status_code == 200 and r.json()["status"] == "ended_early"
    r = post(grid1, f"/api/v1/observations/{obs['id']}/followups", {"temperature": 36.6})
    assert r.status_code == 400 and r.json()["code"] == "observation_ended"


def test_planned_end_follows_policy(api_client, person, personas, places):
    from fangkong.policy.selectors import policy_cache_clear
    from fangkong.policy.services import policy_set

    policy_set(actor=personas["leader"], key="observation_days", value=21, community=places["home"],
               effective_from=date(2020, 1, 1))
    policy_cache_clear()
    r = post(api_client("office"), "/api/v1/observations",
             {"id_number": person.id_number, "kind": "home", "start": "2020-02-20"})
    assert r.status_code == 201 and r.json()["planned_end"] == "2020-03-12"


def test_bad_input_and_access(api_client, person, personas):
    office = api_client("office")
    assert Client().get("/api/v1/alerts").status_code == 401
    assert post(Client(), "/api/v1/observations", {}).status_code == 401
    r = post(office, "/api/v1/observations", {"id_number": person.id_number, "kind": "hotel", "start": "2020-02-01"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "kind"
    r = post(office, "/api/v1/observations", {"id_number": person.id_number, "kind": "home", "start": "2020-02-31"})
    assert r.status_code == 400
    r = post(office, "/api/v1/observations", {"id_number": person.id_number, "kind": "centralised",
                                              "start": "2020-02-01"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "site"
    # Someone of another community looks the same as nobody.
    r = post(api_client("outsider"), "/api/v1/observations",
             {"id_number": person.id_number, "kind": "home", "start": "2020-02-01"})
    assert r.status_code == 400 and r.json()["code"] == "unknown_person"
    # Grid workers follow up but do not start observations.
    r = post(api_client("grid1"), "/api/v1/observations",
             {"id_number": person.id_number, "kind": "home", "start": "2020-02-01"})
    assert r.status_code == 403
    obs = post(office, "/api/v1/observations", {"id_number": person.id_number, "kind": "home",
                                                "start": timezone.localdate().isoformat()}).json()
    r = post(api_client("grid1"), f"/api/v1/observations/{obs['id']}/followups", {"temperature": 48})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "temperature"
    r = post(api_client("grid1"), f"/api/v1/observations/{obs['id']}/followups",
             {"temperature": 36.5, "symptoms": ["sneezing-ish"]})
    assert r.status_code == 400
    assert post(api_client("grid2"), f"/api/v1/observations/{obs['id']}/followups",
                {"temperature": 36.5}).status_code == 404
    assert api_client("grid2").get(f"/api/v1/observations/{obs['id']}").status_code == 404
    assert Observation.objects.count() == 1


def test_alerts_are_scoped_to_the_grid(api_client, person, personas):
    obs = post(api_client("office"), "/api/v1/observations",
               {"id_number": person.id_number, "kind": "home", "start": timezone.localdate().isoformat()}).json()
    post(api_client("grid1"), f"/api/v1/observations/{obs['id']}/followups", {"temperature": 38.0})
    assert len(api_client("grid1").get("/api/v1/alerts?status=open").json()) == 1
    assert api_client("grid2").get("/api/v1/alerts?status=open").json() == []
    assert api_client("street").get("/api/v1/alerts?status=open").status_code == 403
    alert = Alert.objects.get()
    r = post(api_client("grid1"), f"/api/v1/alerts/{alert.id}/close", {"action": "已上门复测，送发热门诊"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert api_client("grid1").get("/api/v1/alerts?status=open").json() == []


def test_missed_follow_ups_show_in_open_alerts(api_client, person):
    start = timezone.localdate() - timedelta(days=2)
    obs = post(api_client("office"), "/api/v1/observations",
               {"id_number": person.id_number, "kind": "home", "start": start.isoformat()}).json()
    Observation.objects.filter(pk=obs["id"]).update(opened_at=timezone.now() - timedelta(days=2))
    alerts = api_client("grid1").get("/api/v1/alerts?status=open").json()
    assert alerts and {a["kind"] for a in alerts} == {"missed_followup"}


def test_returnee_report_confirmed_starts_observation(api_client, personas, places, make_person):
    person = make_person(places["grid1"])
    office = api_client("office")
    r = post(office, "/api/v1/returnee-reports", {"community": "C1", "person": person.id, "from_place": "湖北省武汉市",
                                                  "arrival_date": timezone.localdate().isoformat()})
    assert r.status_code == 201 and r.json()["key_area"] is True and r.json()["status"] == "pending"
    rid = r.json()["id"]
    assert [x["id"] for x in office.get("/api/v1/returnee-reports").json()] == [rid]
    r = post(office, f"/api/v1/returnee-reports/{rid}/confirm", {})
    assert r.status_code == 200 and r.json()["status"] == "confirmed" and r.json()["observation"]
    r = post(office, f"/api/v1/returnee-reports/{rid}/reject", {"reason": "重复"})
    assert r.status_code == 400 and r.json()["code"] == "already_decided"


def test_review_findings_stay_fixed(api_client, personas, places, make_person):
    from fangkong.accounts.models import AuditEntry
    from fangkong.observation.models import ReportLink
    from fangkong.observation.returnees import link_issue, link_resolve

    person = make_person(places["grid1"])
    office = api_client("office")
    # A guard learns nothing about who lives here: 403 whether the ID number exists or not.
    for number in (person.id_number, "11010519491231002X"):
        r = post(api_client("guard"), "/api/v1/observations", {"id_number": number, "kind": "home",
                                                               "start": "2026-11-20"})
        assert r.status_code == 403
    # The responsible worker must be able to follow the person up.
    r = post(office, "/api/v1/observations", {"id_number": person.id_number, "kind": "home", "start": "2026-11-20",
                                              "responsible": "outsider"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "responsible"
    obs = post(office, "/api/v1/observations", {"id_number": person.id_number, "kind": "home",
                                                "start": timezone.localdate().isoformat()}).json()
    # The street office sees no one's health record.
    assert api_client("street").get("/api/v1/alerts").status_code == 403
    assert api_client("street").get(f"/api/v1/observations/{obs['id']}").status_code == 403
    # Acknowledging is audited; ending revokes the self-report link.
    post(api_client("grid1"), f"/api/v1/observations/{obs['id']}/followups", {"temperature": 38.2})
    alert = Alert.objects.get()
    before = AuditEntry.objects.filter(object_type="alert").count()
    assert post(api_client("grid1"), f"/api/v1/alerts/{alert.id}/acknowledge", {}).status_code == 200
    assert AuditEntry.objects.filter(object_type="alert").count() == before + 1
    _link, token = link_issue(actor=personas["grid1"], person=person, kind=ReportLink.Kind.FOLLOWUP)
    post(office, f"/api/v1/observations/{obs['id']}/end", {"status": "transferred"})
    assert link_resolve(token) is None


def test_a_site_of_another_street_is_refused_with_one_code(api_client, person, personas, places):
    from fangkong.observation.services import site_create

    other_street = site_create(actor=personas["admin"], street=places["far"].street, name="远郊酒店", capacity=5)
    body = {"id_number": person.id_number, "kind": "centralised", "start": "2026-11-20", "site": other_street.id}
    r = post(api_client("admin"), "/api/v1/observations", body)
    assert r.status_code == 400 and r.json()["code"] == "site_outside_street"
    assert r.json()["errors"][0]["field"] == "site"
    # A site the office cannot see at all is unknown to it.
    r = post(api_client("office"), "/api/v1/observations", body)
    assert r.status_code == 400 and r.json()["code"] == "unknown_site"
    assert not Observation.objects.exists()


def test_a_follow_up_time_ahead_of_the_clock_is_refused(api_client, person):
    obs = post(api_client("office"), "/api/v1/observations",
               {"id_number": person.id_number, "kind": "home", "start": timezone.localdate().isoformat()}).json()
    ahead = (timezone.localtime() + timedelta(hours=1)).replace(tzinfo=None).isoformat()
    r = post(api_client("grid1"), f"/api/v1/observations/{obs['id']}/followups", {"temperature": 36.5, "at": ahead})
    assert r.status_code == 400 and r.json()["code"] == "in_future" and r.json()["errors"][0]["field"] == "at"
    assert Observation.objects.get().followups.count() == 0
