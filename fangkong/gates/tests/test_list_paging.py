"""The scan list of the API (`GET /api/v1/scans`) pages by cursor (Link, X-Next-Cursor) as well as by
limit/offset, newest first, within the reader's scope and filters; on PostgreSQL its page reads an index."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from fangkong.core.paging import cursor_page
from fangkong.gates import selectors
from fangkong.gates.models import Scan
from fangkong.registry.tests.plans import assert_no_full_scans, postgres_only, vacuum_analyze

AT = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def _scans(gate, n, *, same_time=False, start=0):
    return Scan.objects.bulk_create(
        Scan(community_id=gate.community_id, gate=gate, direction="in" if i % 2 else "out", decision="allow",
             at=AT if same_time else AT + timedelta(seconds=start + i), reasons=[])
        for i in range(n))


def _walk(client, url):
    ids, pages = [], 0
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, answer.content
        ids += [s["id"] for s in answer.json()]
        pages += 1
        match = re.fullmatch(r'<([^>]+)>; rel="next"', answer.headers.get("Link", ""))
        url = match.group(1) if match else None
        assert (answer.headers.get("X-Next-Cursor") is not None) == (url is not None)
    return ids, pages


@pytest.mark.parametrize("same_time", [False, True])
def test_scans_walk_by_cursor_newest_first_and_by_offset(gates, api_client, same_time):
    scans = _scans(gates["east"], 7, same_time=same_time)
    client = api_client("office")
    ids, pages = _walk(client, "/api/v1/scans?limit=3")
    newest_first = [s.id for s in sorted(scans, key=lambda s: (s.at, s.id), reverse=True)]
    assert ids == newest_first and pages == 3
    assert [s["id"] for s in client.get("/api/v1/scans?limit=3&offset=3").json()] == newest_first[3:6]


def test_a_scan_walk_keeps_its_scope_and_filters(gates, api_client):
    home = _scans(gates["east"], 4)
    north = _scans(gates["north"], 3, start=100)
    far = _scans(gates["far"], 5, start=200)
    ids, _pages = _walk(api_client("office"), "/api/v1/scans?limit=2")
    assert sorted(ids) == sorted(s.id for s in home + north)  # the other community's scans never show
    ids, _pages = _walk(api_client("office"), "/api/v1/scans?limit=2&gate=north")
    assert ids == [s.id for s in reversed(north)]
    # The leader of a community in another street sees its own five, and none of these.
    assert _walk(api_client("outsider"), "/api/v1/scans?limit=2")[0] == [s.id for s in reversed(far)]


def test_a_foreign_cursor_is_a_400(gates, api_client):
    client = api_client("office")
    assert client.get("/api/v1/scans?cursor=WzEsMl0").status_code == 400
    assert client.get("/api/v1/scans?cursor=..").status_code in (400, 422)


@postgres_only
def test_the_scan_list_reads_an_index(transactional_db, gates, personas):
    for i, gate in enumerate((gates["east"], gates["north"], gates["far"])):
        _scans(gate, 10_000, start=i * 10_000)
    vacuum_analyze("gates_scan")
    for who, gate in (("admin", None), ("office", None), ("office", "east"), ("admin", "north")):
        actor = personas[who]
        plans = assert_no_full_scans(
            lambda actor=actor, gate=gate: cursor_page(
                selectors.scan_list(actor=actor, gate=gate), selectors.SCAN_ORDER, limit=50,
                descending=True).items,
            ("gates_scan",))
        if who == "admin":  # the whole city: newest first from the order's own index, or the gate's
            assert any(("scan_gate_order" if gate else "scan_list_order") in p for p in plans), plans
