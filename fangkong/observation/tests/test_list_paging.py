"""The alert, returnee report and observation lists of the API page by cursor (Link, X-Next-Cursor) as well
as by limit/offset, newest first; on PostgreSQL the alert page reads an index, whatever the count."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from fangkong.core.paging import cursor_page
from fangkong.observation import selectors
from fangkong.observation.models import Alert
from fangkong.registry.tests.plans import assert_no_full_scans, postgres_only, vacuum_analyze

AT = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def _alerts(places, person, n, *, same_time=False):
    return Alert.objects.bulk_create(
        # A fever at the gate needs no observation; one live alert a person and day: a day each.
        Alert(community=places["home"], grid=places["grid1"], person=person, kind="gate_fever",
              day=date(2000, 1, 1) + timedelta(days=i), raised_at=AT if same_time else AT + timedelta(minutes=i),
              status="open" if i % 3 else "closed", action="" if i % 3 else "sent home")
        for i in range(n))


def _walk(client, url):
    ids = []
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, answer.content
        ids += [a["id"] for a in answer.json()]
        match = re.fullmatch(r'<([^>]+)>; rel="next"', answer.headers.get("Link", ""))
        url = match.group(1) if match else None
    return ids


@pytest.mark.parametrize("same_time", [False, True])
def test_alerts_walk_by_cursor_newest_first(places, make_person, api_client, same_time):
    alerts = _alerts(places, make_person(places["grid1"]), 5, same_time=same_time)
    client = api_client("office")
    ids = _walk(client, "/api/v1/alerts?limit=2")
    newest_first = [a.id for a in sorted(alerts, key=lambda a: (a.raised_at, a.id), reverse=True)]
    assert ids == newest_first
    assert [a["id"] for a in client.get("/api/v1/alerts?limit=2&offset=2").json()] == newest_first[2:4]
    assert _walk(api_client("outsider"), "/api/v1/alerts?limit=2") == []


def test_a_foreign_cursor_is_a_400(places, api_client):
    assert api_client("office").get("/api/v1/alerts?cursor=WzEsMl0").status_code == 400
    assert api_client("office").get("/api/v1/returnee-reports?cursor=e30").status_code == 400
    assert api_client("office").get("/api/v1/observations?cursor=..").status_code == 400


@postgres_only
def test_the_alert_list_reads_an_index(transactional_db, places, personas, make_person):
    _alerts(places, make_person(places["grid1"]), 20_000)
    vacuum_analyze("observation_alert")
    for who, statuses in (("admin", ()), ("office", ()), ("admin", ("open",))):
        actor = personas[who]
        plans = assert_no_full_scans(
            lambda actor=actor, statuses=statuses: cursor_page(
                selectors.alert_list(actor=actor, statuses=statuses), selectors.ALERT_ORDER, limit=50,
                descending=True).items,
            ("observation_alert",))
        if who == "admin" and not statuses:
            assert any("alert_list_order" in p for p in plans), plans
