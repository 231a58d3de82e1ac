"""`GET /passes` pages by cursor (Link, X-Next-Cursor) as well as by limit/offset; on PostgreSQL its page
reads an index for each filter, however many passes the district holds."""

import re
from datetime import date

import pytest

from fangkong.core.paging import cursor_page
from fangkong.passes import selectors
from fangkong.passes.models import Pass
from fangkong.passes.services import pass_issue
from fangkong.registry.tests.plans import assert_no_full_scans, postgres_only, vacuum_analyze


@pytest.fixture
def five(places, personas, make_person):
    return [pass_issue(actor=personas["office"], person=make_person(places["grid1"], name=f"持证{i}"),
                       kind="temporary", valid_from=date(2020, 1, 1), valid_until=date(2099, 12, 31))
            for i in range(5)]


def _walk(client, url):
    numbers, links = [], 0
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, answer.content
        numbers += [p["number"] for p in answer.json()]
        match = re.fullmatch(r'<([^>]+)>; rel="next"', answer.headers.get("Link", ""))
        if match:
            assert "cursor=" + answer.headers["X-Next-Cursor"] in match.group(1)
            links += 1
        url = match.group(1) if match else None
    return numbers, links


def test_a_cursor_walk_sees_every_pass_once_in_the_offset_order(five, api_client):
    client = api_client("office")
    numbers, links = _walk(client, "/api/v1/passes?limit=2&kind=temporary")
    assert links == 2 and sorted(numbers) == sorted(p.number for p in five)
    assert numbers == [p["number"] for p in client.get("/api/v1/passes?limit=100").json()]
    assert [p["number"] for p in client.get("/api/v1/passes?limit=2&offset=2").json()] == numbers[2:4]
    assert "Link" not in client.get("/api/v1/passes?limit=5").headers


def test_a_cursor_walk_stays_in_the_scope(five, api_client):
    assert _walk(api_client("outsider"), "/api/v1/passes?limit=2") == ([], 0)


def test_a_foreign_cursor_is_a_400(five, api_client):
    assert api_client("office").get("/api/v1/passes?cursor=WyJ4Il0").status_code == 400


@postgres_only
def test_the_pass_list_reads_an_index_for_each_filter(transactional_db, places, personas, make_person):
    person = make_person(places["grid1"])
    Pass.objects.bulk_create(
        Pass(community=places["home" if i % 3 else "far"], number=f"{i:08d}", kind="temporary" if i % 5 else "vehicle",
             person=person, valid_from=date(2020, 1, 1), valid_until=date(2099, 12, 31),
             status="active" if i % 7 else "suspended") for i in range(20_000))
    vacuum_analyze("passes_pass")
    for who, filters in (("admin", {}), ("office", {}), ("admin", {"kind": "vehicle"}),
                         ("admin", {"status": "suspended"}), ("office", {"q": "0001"})):
        actor = personas[who]
        plans = assert_no_full_scans(
            lambda actor=actor, filters=filters: cursor_page(
                selectors.pass_list(actor=actor, **filters), selectors.PASS_ORDER, limit=50).items,
            ("passes_pass",))
        if who == "admin" and not filters:
            assert any("pass_list_order" in p for p in plans), plans


def test_past_the_print_cap_the_page_asks_for_a_narrower_filter(five, places, login, monkeypatch):
    from fangkong.passes import services, views

    client = login("leader")
    page = client.get("/passes/").content.decode()
    assert 'data-part="1"' in page and "cards: choose a community" not in page
    monkeypatch.setattr(services, "MAX_CARDS_PER_PDF", 2)
    monkeypatch.setattr(views, "PRINT_PARTS_MAX", 2)  # 4 cards at most; five passes are more
    page = client.get("/passes/").content.decode()
    assert "More than 4 cards: choose a community, a kind or a status to print them." in page
    assert "data-part=" not in page
    narrowed = client.get(f"/passes/?q={five[0].number}").content.decode()  # one card: its link is back
    assert 'data-part="1"' in narrowed and "More than 4 cards" not in narrowed
