"""On PostgreSQL, the people and household lists read their page through an index, whatever the size:
no sequential scan of registry_person or registry_household, for each scope, filter and order they offer.
One district a test (its inserts and VACUUM are the slow part), every variant checked on it."""

import re

import pytest

from fangkong.registry import selectors
from fangkong.registry.models import Building
from fangkong.registry.tests.plans import (
    assert_no_full_scans,
    insert_households,
    insert_people,
    postgres_only,
    vacuum_analyze,
)

pytestmark = [postgres_only]
BIG = ("registry_person", "registry_household")


@pytest.fixture
def district(transactional_db, places, personas):
    home, far = places["home"], places["far"]
    building = Building.objects.create(community=home, grid=places["grid1"], name="测试楼")
    insert_households(community_id=home.id, grid_id=places["grid1"].id, building_id=building.id, n=15_000)
    insert_people(community_id=home.id, grid_id=places["grid1"].id, household_id=None, n=12_000)
    insert_people(community_id=home.id, grid_id=places["grid2"].id, household_id=None, n=6_000, prefix="王")
    insert_people(community_id=far.id, grid_id=far.grids.get().id, household_id=None, n=12_000, prefix="远方")
    vacuum_analyze(*BIG)  # as autovacuum would after such inserts: the visibility map allows index-only scans
    return places


def _people(actor, **kw):
    return lambda: selectors.person_page(actor=actor, limit=50, **kw).next_cursor


def test_the_people_list_reads_an_index_for_every_scope_filter_and_page(district, personas):
    admin = personas["admin"]
    for who in ("admin", "leader", "grid1", "street"):
        assert_no_full_scans(_people(personas[who]), BIG)
    first = selectors.person_page(actor=admin, limit=50)
    plans = assert_no_full_scans(_people(admin, cursor=first.next_cursor), BIG)
    assert any("person_list_order" in p for p in plans)
    plans = assert_no_full_scans(_people(admin, offset=25_000), BIG)
    assert any("Scan using person_list_order" in p for p in plans)  # index-only once autovacuum has run
    for filters in ({"category": "floating"}, {"tag": "elderly_alone"}, {"grid": district["grid2"].id},
                    {"q": "王"}, {"q": "测试楼1234"}):
        assert_no_full_scans(_people(admin, **filters), BIG)
    plans = assert_no_full_scans(_people(admin, category="floating"), BIG)
    # Either index answers (the order's index holds the category too); which one is the planner's call.
    assert any("person_category_order" in p or "person_list_order" in p for p in plans)
    plans = assert_no_full_scans(_people(admin, q="远方123"), BIG)
    assert any("person_name_trgm" in p for p in plans)
    first = selectors.person_page(actor=admin, q="王", limit=50)
    assert_no_full_scans(_people(admin, q="王", cursor=first.next_cursor), BIG)


def test_the_household_list_reads_an_index_for_every_page_and_search(district, personas):
    admin = personas["admin"]
    for kw in ({}, {"offset": 12_000}, {"grid": district["grid1"].id}):
        plans = assert_no_full_scans(lambda kw=kw: selectors.household_page(actor=admin, limit=50, **kw).items,
                                     BIG)
    first = selectors.household_page(actor=admin, limit=50)
    plans = assert_no_full_scans(lambda: selectors.household_page(actor=admin, cursor=first.next_cursor).items,
                                 BIG)
    assert any("household_list_order" in p for p in plans)
    plans = assert_no_full_scans(lambda: selectors.household_page(actor=admin, q="测试楼123").items, BIG)
    assert any("household_address_trgm" in p for p in plans)


def test_a_surname_search_counts_through_a_name_index(district, personas):
    # At this size the planner may take the plain LIKE index and the table; at a city's (bench/city_lists.py)
    # it counts from person_name_prefix alone (an index-only scan). Either way, never the whole table; a
    # street office's count may as well walk its communities' order index.
    for who in ("admin", "street"):
        plans = assert_no_full_scans(
            lambda who=who: selectors.person_page(actor=personas[who], q="王", limit=50).count, BIG)
        if who == "admin":
            assert any(re.search(r"(Scan using|Index Scan on) (person_name_prefix|registry_person_name_\w+_like)",
                                 p) for p in plans), plans
