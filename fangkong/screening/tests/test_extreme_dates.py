"""Dates at the ends of the calendar, as an attacker (or a slipped thumb) sends them: each is a field error
naming the date, never a server error. Daily changes for 0001-01-01 once ended in a 500 (the day before
it does not exist), on the page and in the API."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from fangkong.screening.models import Round, TravelRecord, Visit


def test_daily_changes_for_the_first_day_of_the_calendar_is_a_400_naming_the_day(api_client, places):
    r = api_client("office").get("/api/v1/screening/changes", {"community": "C1", "day": "0001-01-01"})
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("day", "out_of_range")]


def test_the_daily_changes_page_for_the_first_day_of_the_calendar_shows_the_error(login, places):
    r = login("grid1").get(reverse("screening:changes"), {"community": "C1", "day": "0001-01-01"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "Dates lie between 2000 and 2100" in page.split('class="form-errors"')[1]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_round_dated_at_the_ends_of_the_calendar_is_refused(login, api_client, places, day):
    r = login("office").post(reverse("screening:round_list"), {"community": "C1", "name": "末日", "starts_on": day,
                                                              "deadline": day})
    assert r.status_code == 422
    assert "Dates lie between 2000 and 2100" in re.search(
        r'id="id_deadline_error">(.*?)</ul>', r.content.decode(), re.S).group(1)
    r = api_client("office").post("/api/v1/screening/rounds", json.dumps(
        {"community": "C1", "name": "末日", "starts_on": day, "deadline": "2020-01-01"}),
        content_type="application/json")
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["starts_on"]
    assert not Round.objects.exists()


def test_a_visit_with_a_return_date_or_a_time_at_the_ends_of_the_calendar_records_nothing(api_client, personas,
                                                                                          three_doors):
    url = f"/api/v1/screening/rounds/{three_doors['round'].pk}/visits"
    a1 = three_doors["a1"]
    for body, field in [
        ({"people": [{"person": a1.pk, "temperature": 36.5, "returned_on": "9999-12-31"}]},
         "people.0.returned_on"),
        ({"at": "0001-01-01T00:00:00+14:00"}, "at"),
        ({"at": "9999-12-31T23:59:59-12:00"}, "at"),
    ]:
        r = api_client("grid1").post(url, json.dumps({"household": three_doors["hh_a"].pk, "outcome": "seen", **body}),
                                     content_type="application/json")
        assert r.status_code == 400, (body, r.content)
        assert [e["field"] for e in r.json()["errors"]] == [field]
    r = api_client("office").post("/api/v1/travel-records", json.dumps(
        {"person": a1.pk, "place": "湖北省", "left_on": "0001-01-01"}), content_type="application/json")
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["left_on"]
    assert not Visit.objects.exists() and not TravelRecord.objects.exists()


@pytest.mark.parametrize("temperature", ["NaN", "Infinity", "-Infinity", 1e308])
def test_a_temperature_that_is_no_number_is_a_400(api_client, three_doors, temperature):
    r = api_client("grid1").post(
        f"/api/v1/screening/rounds/{three_doors['round'].pk}/visits",
        json.dumps({"household": three_doors["hh_a"].pk, "outcome": "seen",
                    "people": [{"person": three_doors["a1"].pk, "temperature": temperature}]}),
        content_type="application/json")
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["people.0.temperature"]
    assert not Visit.objects.exists()
