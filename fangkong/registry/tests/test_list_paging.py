"""The people and household lists page by cursor (Link, X-Next-Cursor) or offset, count up to a cap, and
rank a name search: exact, then beginning with it, then the rest."""

import re

import pytest
from django.utils import translation

from fangkong.core import paging
from fangkong.registry import selectors


@pytest.fixture
def seven(places, make_person):
    return [make_person(places["grid1"] if i % 2 else places["grid2"], name=f"居民{i}") for i in range(7)]


def _walk(client, url: str) -> tuple[list[int], list[str]]:
    """Follow the Link: rel=next headers from `url`: the ids seen and the links followed."""
    ids, links = [], []
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, answer.content
        ids += [p["id"] for p in answer.json()["items"]]
        link = answer.headers.get("Link", "")
        match = re.fullmatch(r'<([^>]+)>; rel="next"', link)
        if match:
            assert answer.headers["X-Next-Cursor"] in match.group(1)
            links.append(match.group(1))
        url = match.group(1) if match else None
    return ids, links


def test_a_cursor_walk_sees_every_person_once_in_the_offset_order(seven, api_client):
    client = api_client("admin")
    ids, links = _walk(client, "/api/v1/people?limit=3")
    by_offset = [p["id"] for p in client.get("/api/v1/people?limit=100").json()["items"]]
    assert ids == by_offset and sorted(ids) == sorted(p.id for p in seven)
    assert len(links) == 2 and all("limit=3" in link and "cursor=" in link for link in links)
    second = [p["id"] for p in client.get("/api/v1/people?limit=3&offset=3").json()["items"]]
    assert second == ids[3:6]


def test_the_next_link_keeps_the_filters_and_drops_the_offset(seven, api_client):
    answer = api_client("admin").get("/api/v1/people?limit=1&offset=1&category=registered")
    link = answer.headers["Link"]
    assert "category=registered" in link and "offset" not in link and "limit=1" in link


def test_a_cursor_walk_stays_in_the_scope(seven, places, api_client):
    ids, _links = _walk(api_client("grid1"), "/api/v1/people?limit=2")
    assert sorted(ids) == sorted(p.id for p in seven if p.grid_id == places["grid1"].id)


@pytest.mark.parametrize("cursor", ["not-base64!", "e30", "WzEsMiwzXQ", "WyJhIiwxLDEsMV0", "W251bGwsMSwxLDFd"])
def test_a_cursor_the_list_did_not_give_is_a_400(seven, api_client, cursor):
    answer = api_client("admin").get(f"/api/v1/people?cursor={cursor}")
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["errors"]] == ["cursor"]


def test_the_count_stops_at_the_cap(seven, api_client, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    body = api_client("admin").get("/api/v1/people?limit=2").json()
    assert (body["count"], body["count_more"]) == (5, True)
    monkeypatch.setattr(paging, "COUNT_CAP", 7)
    body = api_client("admin").get("/api/v1/people?limit=2").json()
    assert (body["count"], body["count_more"]) == (7, False)


def test_the_people_page_says_past_the_cap_and_links_the_next_page(seven, login, personas, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    client = login("admin")
    with translation.override("en"):
        first = client.get("/people/").content.decode()
    assert "5+ in all" in first
    monkeypatch.setattr(paging, "COUNT_CAP", 10_000)
    assert 'rel="next"' not in first  # 7 people, 50 a page
    page = selectors.person_page(actor=personas["admin"], limit=3)
    with translation.override("en"):
        following = client.get(f"/people/?cursor={page.next_cursor}").content.decode()
    assert 'rel="first"' in following and "7 in all" in following
    shown = {p.name for p in seven if f">{p.name}<" in following}
    assert shown == {p.name for p in seven} - {p.name for p in page.items}


def test_a_search_ranks_exact_then_prefix_then_the_rest(places, make_person, personas):
    grid = places["grid1"]
    inside = make_person(grid, name="李欧阳明")
    longer = make_person(grid, name="欧阳明华")
    exact = make_person(grid, name="欧阳明")
    longer2 = make_person(grid, name="欧阳明亮")
    make_person(grid, name="王五")
    expected = [exact.id, longer.id, longer2.id, inside.id]
    admin = personas["admin"]
    assert [p.id for p in selectors.person_list(actor=admin, q="欧阳明")] == expected
    assert [p.id for p in selectors.person_page(actor=admin, q="欧阳明").items] == expected
    walked, cursor = [], None
    while True:  # one a page: the cursor crosses the ranks
        page = selectors.person_page(actor=admin, q="欧阳明", limit=1, cursor=cursor)
        walked += [p.id for p in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert walked == expected
    assert [p.id for p in selectors.person_page(actor=admin, q="欧阳明", limit=2, offset=2).items] == expected[2:]


def test_a_fragment_under_three_characters_matches_the_beginning_of_names(places, make_person, personas):
    grid = places["grid1"]
    wang = make_person(grid, name="王伟")
    make_person(grid, name="李王")
    assert [p.id for p in selectors.person_list(actor=personas["admin"], q="王")] == [wang.id]


def test_an_address_finds_its_household_members(places, make_person, personas):
    person = make_person(places["grid2"], name="张三")
    address = person.household.address
    assert person.id in [p.id for p in selectors.person_page(actor=personas["admin"], q=address).items]


def test_households_walk_by_cursor_with_their_member_counts(seven, api_client):
    client = api_client("admin")
    seen = []
    url = "/api/v1/households?limit=2"
    while url:
        answer = client.get(url)
        seen += answer.json()["items"]
        match = re.fullmatch(r'<([^>]+)>; rel="next"', answer.headers.get("Link", ""))
        url = match.group(1) if match else None
    assert sorted(h["id"] for h in seen) == sorted(p.household_id for p in seven)
    assert all(h["member_count"] == 1 for h in seen)
    assert client.get("/api/v1/households").json()["count"] == 7


def test_past_the_grid_cap_the_people_page_asks_for_the_community_first(places, make_person, login, monkeypatch):
    from fangkong.registry.forms import PersonSearchForm

    home, far = places["home"], places["far"]
    in_grid2 = make_person(places["grid2"], name="二网格居民")
    make_person(places["grid1"], name="一网格居民")
    client = login("admin")
    few = client.get("/people/").content.decode()
    assert 'name="community"' not in few and few.count("<option") > 4  # every grid, by community
    monkeypatch.setattr(PersonSearchForm, "GRID_CHOICES_MAX", 2)  # the admin sees 4 grids
    many = client.get("/people/").content.decode()
    assert 'name="community"' in many
    assert re.search(r'<select name="grid"[^>]*><option value="" selected>[^<]*</option></select>', many)
    chosen = client.get(f"/people/?community={home.id}").content.decode()
    grid_options = re.search(r'<select name="grid"[^>]*>(.*?)</select>', chosen).group(1)
    assert set(re.findall(r'value="(\d+)"', grid_options)) == {str(g.id) for g in home.grids.all()}
    # A grid of the community chosen before is dropped, and the other filters still apply.
    narrowed = client.get(f"/people/?community={home.id}&grid={places['grid2'].id}").content.decode()
    assert in_grid2.name in narrowed and "一网格居民" not in narrowed
    moved = client.get(f"/people/?community={far.id}&grid={places['grid2'].id}&q=二网格").content.decode()
    assert in_grid2.name not in moved and "No one found" in moved
    # Through htmx the rows come with the chosen community's grids, swapped in beside them.
    rows = client.get(f"/people/?community={home.id}", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="grid-filter" hx-swap-oob="true"' in rows and f'value="{places["grid2"].id}"' in rows
