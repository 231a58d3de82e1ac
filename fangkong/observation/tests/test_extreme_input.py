"""Input from the ends of the calendar and numbers that are no numbers, as a security review sent them: each is
refused next to its field and records nothing, never a server error. Four of these once ended in a 500: a
follow-up dated 0001-01-01T00:00:00+14:00 (before the first instant Python can convert to UTC), a
temperature of NaN on the worker's form and on the public self-report page, and an observation extended to
9999-12-31, whose page then failed for good (its "extend by a week" suggestion overflowed)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from fangkong.core.dates import local_today
from fangkong.core.errors import FieldError
from fangkong.observation.models import Extension, FollowUp, Observation, ReportLink
from fangkong.observation.returnees import link_issue
from fangkong.observation.services import latest_planned_end, observation_extend, observation_start


@pytest.fixture
def observed(personas, places, make_person):
    person = make_person(places["grid1"], name="孙居民")
    return observation_start(actor=personas["office"], person=person, kind=Observation.Kind.HOME,
                             start=local_today())


def post_json(client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def field_error(response, field: str) -> str | None:
    found = re.search(rf'<p class="error"[^>]*data-field="{field}"[^>]*>([^<]*)</p>', response.content.decode())
    return found.group(1) if found else None


# --- follow-ups -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00"])
def test_a_follow_up_dated_at_the_ends_of_the_calendar_is_a_400_naming_at(api_client, observed, at):
    r = post_json(api_client("grid1"), f"/api/v1/observations/{observed.pk}/followups",
                  {"temperature": 36.5, "at": at})
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("at", "out_of_range")]
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("temperature", ["NaN", "nan", "Infinity", "-inf", "1e308"])
def test_a_temperature_that_is_no_number_is_refused_on_the_workers_form(login, observed, temperature):
    r = login("grid1").post(f"/observation/{observed.pk}/followup", {"temperature": temperature})
    assert r.status_code == 422
    assert field_error(r, "temperature") in ("Enter a temperature such as 36.5",
                                             "A body temperature lies between 34.0 and 43.0 °C")
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("temperature", ["NaN", "Infinity", "-inf"])
def test_a_temperature_that_is_no_number_is_refused_on_the_public_self_report_page(anonymous, personas, observed,
                                                                                  temperature):
    _link, token = link_issue(actor=personas["grid1"], person=observed.person, kind=ReportLink.Kind.FOLLOWUP)
    phone = anonymous()
    url = f"/f/{token}/"
    phone.get(url)  # the page sets the CSRF cookie
    r = phone.post(url, {"temperature": temperature, "csrfmiddlewaretoken": phone.cookies["csrftoken"].value})
    assert r.status_code == 422
    assert field_error(r, "temperature") == "Enter a temperature such as 36.5"
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("temperature", ["NaN", "Infinity", "-Infinity"])
def test_a_temperature_that_is_no_number_is_a_400_in_the_api(api_client, observed, temperature):
    r = post_json(api_client("grid1"), f"/api/v1/observations/{observed.pk}/followups", {"temperature": temperature})
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["temperature"]
    assert not FollowUp.objects.exists()


# --- extensions and planned ends ------------------------------------------------------------------------


def test_an_extension_stops_at_twice_the_observation_days(personas, observed):
    latest = latest_planned_end(obs=observed)
    assert latest == observed.start + timedelta(days=28)  # 14 observation days by default
    with pytest.raises(FieldError) as e:
        observation_extend(actor=personas["office"], obs=observed, new_end=latest + timedelta(days=1), reason="咳嗽")
    assert (e.value.field, e.value.code) == ("planned_end", "extension_too_long")
    observed.refresh_from_db()
    assert observed.planned_end == observed.start + timedelta(days=14) and not Extension.objects.exists()
    longest = observation_extend(actor=personas["office"], obs=observed, new_end=latest, reason="咳嗽")
    assert longest.planned_end == latest


def test_extending_to_the_last_day_of_the_calendar_is_refused_on_the_page_and_in_the_api(login, api_client, observed):
    r = login("office").post(f"/observation/{observed.pk}/extend", {"new_end": "9999-12-31", "reason": "x"})
    assert r.status_code == 422 and field_error(r, "new_end") == "Dates lie between 2000 and 2100"
    r = login("office").post(f"/observation/{observed.pk}/extend", {"new_end": "2100-12-31", "reason": "x"})
    assert r.status_code == 422 and "at most 28 days" in field_error(r, "new_end")
    r = post_json(api_client("office"), f"/api/v1/observations/{observed.pk}/extend",
                  {"planned_end": "9999-12-31", "reason": "x"})
    assert r.status_code == 400 and [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("planned_end", "out_of_range")]
    r = post_json(api_client("office"), f"/api/v1/observations/{observed.pk}/extend",
                  {"planned_end": "2100-12-31", "reason": "x"})
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "extension_too_long"
    observed.refresh_from_db()
    assert observed.planned_end == observed.start + timedelta(days=14) and not Extension.objects.exists()


def test_an_observation_stored_with_an_absurd_planned_end_still_renders(login, anonymous, api_client, personas,
                                                                        observed):
    Observation.objects.filter(pk=observed.pk).update(planned_end=date.max)  # as an earlier version let it be
    _link, token = link_issue(actor=personas["grid1"], person=observed.person, kind=ReportLink.Kind.FOLLOWUP)
    office = login("office")
    detail = office.get(f"/observation/{observed.pk}/")
    assert detail.status_code == 200 and "9999-12-31" in detail.content.decode()
    for url in ["/observation/", "/observation/?status=all&due=on", "/observation/alerts/"]:
        assert office.get(url).status_code == 200, url
    assert anonymous().get(f"/f/{token}/").status_code == 200
    assert api_client("office").get(f"/api/v1/observations/{observed.pk}").json()["planned_end"] == "9999-12-31"
    assert api_client("office").get("/api/v1/alerts").status_code == 200
    # It can still be ended, early, with a reason.
    r = office.post(f"/observation/{observed.pk}/end", {"status": "ended_early", "reason": "Data corrected"})
    assert r.status_code == 302
