"""The dashboard page and its API: who may open them, what they show, and a query count that does not
grow with the rows."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from fangkong.dashboard.tests.world import D, build, issue, scan

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:home")
API = "/api/v1/dashboard"


@pytest.fixture
def world(places, make_person):
    return build(places, make_person)


@pytest.mark.parametrize("who", ["admin", "leader", "office", "grid1", "street", "outsider"])
def test_the_page_renders_for_every_role_that_may_see_it(world, login, who):
    r = login(who).get(URL, {"day": D.isoformat()})
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count('class="chart-canvas"') == 6 and 'id="dashboard-data"' in html
    assert "vendor/echarts/echarts.min.js" in html and "dashboard/dashboard.js" in html
    assert "<script>" not in html  # CSP: the data is JSON, the code a static file


def test_the_guard_gets_403(world, login):
    assert login("guard").get(URL).status_code == 403


def test_the_page_draws_the_selectors_numbers_and_their_tables(world, login):
    html = login("office").get(URL, {"day": D.isoformat()}).content.decode()
    data = json.loads(html.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert data["alerts"]["open"][0] == {"kind": "fever", "label": "fever", "count": 1}
    assert 'data-table="coverage"' in html and 'data-key="open_alerts" data-count="2"' in html
    assert reverse("observation:alert_list") in html  # the office may open the list behind the alerts


def test_the_street_sees_its_communities_side_by_side_without_health_links(world, login):
    html = login("street").get(URL, {"day": D.isoformat()}).content.decode()
    assert 'id="side-by-side"' in html and 'data-community="C1"' in html and 'data-community="C2"' in html
    assert 'data-community="C9"' not in html
    assert reverse("observation:alert_list") not in html and reverse("observation:observation_list") not in html
    assert login("street").get(URL, {"community": "C9"}).status_code == 404


def test_home_sends_the_desk_and_the_street_to_the_dashboard(world, login):
    for who in ("leader", "office", "street", "admin"):
        assert login(who).get("/")["Location"] == URL
    assert login("grid1").get("/")["Location"] == reverse("screening:today")
    assert login("guard").get("/")["Location"] != URL


def count_queries(client, url: str, params: dict) -> int:
    seen = []

    def count(execute, sql, p, many, context):
        seen.append(sql)
        return execute(sql, p, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url, params).status_code == 200
    return len(seen)


@pytest.mark.parametrize("who", ["office", "street", "grid1"])
def test_the_page_costs_the_same_queries_with_more_rows(world, login, make_person, places, who):
    c = login(who)
    c.get(URL, {"day": D.isoformat()})  # warm the per-process caches (policy)
    before = count_queries(c, URL, {"day": D.isoformat()})
    for i in range(5):
        scan(world["north"], i, deny=("banned",))
        scan(world["east"], i)
        p = make_person(places["grid1"], name=f"新{i}")
        issue(p, f"P-N{i}", issued=world["north"].scans.first().at)
    assert count_queries(c, URL, {"day": D.isoformat()}) == before
    assert before <= 30


def test_the_api_returns_the_same_figures(world, api_client, personas):
    from fangkong.dashboard.selectors import dashboard_get

    r = api_client("street").get(API, {"date": D.isoformat()})
    assert r.status_code == 200
    body = r.json()
    charts = dashboard_get(actor=personas["street"], day=D).charts
    for key in ("gate_traffic", "denials", "observation", "coverage", "alerts", "passes"):
        assert body[key] == charts[key]
    assert body["side_by_side"] is True and [c["code"] for c in body["communities"]] == ["C1", "C2"]
    assert {a["key"] for a in body["attention"]} >= {"open_alerts", "daily_report", "actions_due"}


def test_the_api_refuses_outside_the_scope_and_both_filters(world, api_client):
    assert api_client("street").get(API, {"community": "C9"}).status_code == 404
    assert api_client("office").get(API, {"street": "370212009"}).status_code == 404
    r = api_client("admin").get(API, {"community": "C1", "street": "370212009"})
    assert r.status_code == 400
    assert api_client("guard").get(API).status_code == 403
    assert api_client("grid1").get(API, {"community": "C1", "date": D.isoformat()}).status_code == 200
    assert api_client("office").get(API, {"date": "1900-01-01"}).status_code in (400, 422)


def test_the_briefings_are_one_click_away_for_those_who_may_read_them(world, login):
    assert 'id="to-briefings"' in login("office").get(URL, {"day": D.isoformat()}).content.decode()
    assert 'id="to-briefings"' in login("street").get(URL, {"day": D.isoformat()}).content.decode()
