"""The screening API, exercised from outside as a client writes it."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.utils import timezone


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_coverage_endpoint(api_client, personas, places, make_person):
    from fangkong.screening.services import round_create

    people = [make_person(places["grid1"]), make_person(places["grid1"]), make_person(places["grid2"])]
    rnd = round_create(actor=personas["office"], community=places["home"], name="第一轮", starts_on=date(2020, 1, 1),
                       deadline=date(2099, 1, 1))
    grid1 = api_client("grid1")
    r = post(grid1, f"/api/v1/screening/rounds/{rnd.id}/visits",
             {"household": people[0].household_id, "outcome": "seen",
              "people": [{"person": people[0].id, "temperature": 36.5}],
              "new_people": [{"name": "新租户", "id_number": "11010519491231002X", "temperature": 36.7}]})
    assert r.status_code == 201, r.content
    assert len(r.json()["added_on_spot"]) == 1
    r = post(grid1, f"/api/v1/screening/rounds/{rnd.id}/visits",
             {"household": people[1].household_id, "outcome": "refused"})
    assert r.status_code == 201
    cov = api_client("office").get(f"/api/v1/screening/rounds/{rnd.id}/coverage").json()
    assert {k: cov[k] for k in ("households_total", "seen", "unreachable", "remaining")} == {
        "households_total": 3, "seen": 1, "unreachable": 1, "remaining": 1}
    assert [h["id"] for h in cov["remaining_households"]] == [people[2].household_id]
    mine = grid1.get(f"/api/v1/screening/rounds/{rnd.id}/coverage").json()
    assert (mine["households_total"], mine["remaining_households"]) == (2, [])
    # grid 1's worker cannot record in grid 2; a bad ID number is a 400 naming the field, nothing saved
    r = post(grid1, f"/api/v1/screening/rounds/{rnd.id}/visits",
             {"household": people[2].household_id, "outcome": "seen"})
    assert r.status_code == 404
    r = post(api_client("grid2"), f"/api/v1/screening/rounds/{rnd.id}/visits",
             {"household": people[2].household_id, "outcome": "seen",
              "new_people": [{"name": "错号", "id_number": "110105194912310021"}]})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "new_people.0.id_number"
    assert api_client("office").get(f"/api/v1/screening/rounds/{rnd.id}/coverage").json()["remaining"] == 1
    assert api_client("outsider").get(f"/api/v1/screening/rounds/{rnd.id}/coverage").status_code == 404


def test_daily_changes_endpoint(api_client, personas, places, make_person):
    from fangkong.screening.services import travel_record_add

    newcomer = make_person(places["grid1"], name="新来者")
    travel_record_add(actor=personas["office"], person=newcomer, place="湖北省黄冈市",
                      returned_on=timezone.localdate())
    r = api_client("office").get("/api/v1/screening/changes?community=C1")
    assert r.status_code == 200
    body = r.json()
    assert newcomer.id in [a["person"] for a in body["arrivals"]]
    assert [f["person"] for f in body["new_flags"]] == [newcomer.id]
    assert body["arrivals"][0]["name"] != "新来者"
    assert api_client("grid2").get("/api/v1/screening/changes?community=C1").json()["new_flags"] == []
    assert api_client("outsider").get("/api/v1/screening/changes?community=C1").status_code == 404


def test_local_visit_times_and_figures_only_for_the_street_office(api_client, personas, places, make_person):
    from fangkong.screening.services import round_create

    person = make_person(places["grid1"])
    office = api_client("office")
    # A visit time without an offset is local time, not a server error; the street office gets figures only.
    rnd = round_create(actor=personas["office"], community=places["home"], name="轮", starts_on=date(2020, 1, 1),
                       deadline=date(2099, 1, 1))
    r = post(api_client("grid1"), f"/api/v1/screening/rounds/{rnd.id}/visits",
             {"household": person.household_id, "outcome": "nobody_home",
              "at": (timezone.localtime() - timedelta(hours=1)).replace(tzinfo=None).isoformat()})
    assert r.status_code == 201, r.content
    cov = api_client("street").get(f"/api/v1/screening/rounds/{rnd.id}/coverage").json()
    assert cov["households_total"] == 1 and cov["unreachable_households"] == [] and cov["people_never_seen"] == []
    assert api_client("street").get(f"/api/v1/screening/rounds/{rnd.id}/visits").status_code == 403
    assert api_client("street").get("/api/v1/screening/changes?community=C1").status_code == 403
    r = post(office, "/api/v1/screening/rounds", {"community": "C1", "name": "x", "starts_on": "2020-01-01",
                                                  "deadline": "2020-01-02", "grids": [2**70]})
    assert r.status_code == 400
