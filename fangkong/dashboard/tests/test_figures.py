"""Every figure of every chart equals a count made by hand from the rows of `world.build`, per role's
scope: a grid worker sees their grid, the community its community, the street its communities side by
side; another street's communities are never counted."""

from __future__ import annotations

import pytest

from fangkong.dashboard import selectors
from fangkong.dashboard.figures import DAYS
from fangkong.dashboard.tests.world import D, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(places, make_person):
    return build(places, make_person)


def charts(personas, who, **kw):
    return selectors.dashboard_get(actor=personas[who], day=D, **kw).charts


def last(n: int, values: list) -> list:
    return values[DAYS - n:]


def test_the_office_sees_its_gates_hour_by_hour(world, personas):
    t = charts(personas, "office")["gate_traffic"]
    assert t["by"] == "gate"
    by = {s["code"]: s for s in t["series"]}
    assert set(by) == {"c1-north", "c1-south"}
    assert by["c1-north"]["in"][8] == 2 and by["c1-north"]["out"][8] == 1 and by["c1-north"]["in"][20] == 1
    assert sum(by["c1-north"]["in"]) == 3 and sum(by["c1-north"]["out"]) == 1  # refusals and D-1 not counted
    assert by["c1-south"]["out"][23] == 1 and by["c1-south"]["total"] == 1  # 23:05 local is still D


def test_refusals_are_counted_per_reason(world, personas):
    d = charts(personas, "office")["denials"]
    assert d["refused_scans"] == 2
    assert {r["code"]: r["count"] for r in d["reasons"]} == {"fever": 1, "under_observation": 1, "banned": 1}
    assert all(r["label"] for r in d["reasons"])


def test_under_observation_by_day(world, personas):
    o = charts(personas, "office")["observation"]
    assert o["days"][-1] == D.isoformat() and len(o["days"]) == DAYS
    (c1,) = o["series"]
    # a1 home from D-3 → D-3..D; b1 centralised D-5 until D-1 12:00 → D-5..D-2.
    assert last(4, c1["home"]) == [1, 1, 1, 1] and c1["home"][DAYS - 5] == 0
    assert last(6, c1["centralised"]) == [1, 1, 1, 1, 0, 0]


def test_coverage_of_the_open_round_by_grid(world, personas):
    c = charts(personas, "office")["coverage"]
    assert c["rounds"] == 1
    rows = {r["grid"]: (r["seen"], r["households"]) for r in c["rows"]}
    # grid 1: a1 (seen) and a2 (nobody home); grid 2: b1 and 乙二, never visited.
    assert list(rows.values()) == [(1, 2), (0, 2)]
    assert c["total"] == {"households": 4, "seen": 1, "percent": 25}


def test_alerts_open_and_raised(world, personas):
    a = charts(personas, "office")["alerts"]
    assert {r["kind"]: r["count"] for r in a["open"]} == {"fever": 1, "missed_followup": 1, "gate_fever": 0}
    (c1,) = a["raised"]
    assert last(5, c1["counts"]) == [1, 0, 1, 0, 1]


def test_passes_issued_and_active(world, personas):
    p = charts(personas, "office")["passes"]
    issued = {s["kind"]: s["counts"] for s in p["issued"]}
    assert last(2, issued["resident"]) == [0, 1] and sum(issued["resident"]) == 1  # the D-20 one is older
    assert last(2, issued["temporary"]) == [1, 0]
    assert {r["kind"]: r["count"] for r in p["active"]} == {"resident": 1, "temporary": 1, "service": 0, "vehicle": 0}


def test_a_grid_worker_sees_their_grid_and_their_communitys_gates(world, personas):
    ch = charts(personas, "grid2")
    assert {s["code"] for s in ch["gate_traffic"]["series"]} == {"c1-north", "c1-south"}
    (c1,) = ch["observation"]["series"]
    assert sum(c1["home"]) == 0 and sum(c1["centralised"]) == 4  # b1 only, not a1 of grid 1
    assert {r["kind"]: r["count"] for r in ch["alerts"]["open"]}["fever"] == 0
    grid2 = personas["grid2"].scope_grants.get().grid.name
    assert [(r["grid"], r["households"]) for r in ch["coverage"]["rows"]] == [(grid2, 2)]
    issued = {s["kind"]: sum(s["counts"]) for s in ch["passes"]["issued"]}
    assert issued == {"resident": 0, "temporary": 1, "service": 0, "vehicle": 0}


def test_the_street_sees_its_communities_side_by_side(world, personas):
    ch = charts(personas, "street")
    assert ch["side_by_side"] and [c["code"] for c in ch["communities"]] == ["C1", "C2"]
    t = {s["code"]: s for s in ch["gate_traffic"]["series"]}
    assert ch["gate_traffic"]["by"] == "community" and set(t) == {"C1", "C2"}
    assert t["C1"]["total"] == 5 and t["C2"]["in"][7] == 3 and t["C2"]["total"] == 3
    banned = next(r for r in ch["denials"]["reasons"] if r["code"] == "banned")
    assert banned["count"] == 2 and banned["by_community"] == {"C1": 1, "C2": 1}
    obs = {s["code"]: s for s in ch["observation"]["series"]}
    assert obs["C2"]["home"][-1] == 1 and sum(obs["C2"]["home"]) == 1
    raised = {s["code"]: s["counts"][-1] for s in ch["alerts"]["raised"]}
    assert raised == {"C1": 1, "C2": 1}  # C9's fever of D is another street's
    assert {r["kind"]: r["count"] for r in ch["alerts"]["open"]} == {"fever": 1, "missed_followup": 1, "gate_fever": 1}
    assert ch["coverage"]["rounds"] == 1 and ch["coverage"]["total"]["households"] == 4  # C2's round is closed
    assert {r["kind"]: r["count"] for r in ch["passes"]["active"]}["resident"] == 2


def test_narrowing_within_the_scope_and_nothing_outside(world, personas):
    from fangkong.core.errors import FieldError, NotFound

    assert [c["code"] for c in charts(personas, "street", community="C2")["communities"]] == ["C2"]
    assert [c["code"] for c in charts(personas, "admin", street=personas["street"].scope_grants.get().street.code)
            ["communities"]] == ["C1", "C2"]
    for who, kw in [("street", {"community": "C9"}), ("office", {"community": "C2"}), ("outsider", {"community": "C1"}),
                    ("street", {"street": "370212009"}), ("office", {"street": "nope"})]:
        with pytest.raises(NotFound):
            charts(personas, who, **kw)
    with pytest.raises(FieldError):
        charts(personas, "admin", community="C1", street="370212009")


def test_the_attention_list_counts_what_is_due(world, personas):
    items = {a.key: a for a in selectors.dashboard_get(actor=personas["office"], day=D).attention}
    assert items["open_alerts"].count == 2 and items["open_alerts"].url
    assert items["coverage_missing"].count == 3
    assert items["daily_report"].count == 1
    assert items["actions_due"].count == 0
    # a1 under observation at D's end: 2 follow-ups due (policy default), none done.
    assert items["followups_due"].count == 2
    street = {a.key: a for a in selectors.dashboard_get(actor=personas["street"], day=D).attention}
    assert street["open_alerts"].count == 3 and street["open_alerts"].url == ""  # no VIEW_OBSERVATION: no link
    assert street["daily_report"].count == 2 and "reports/street" in street["daily_report"].url


def test_action_items_due_and_overdue_link_to_the_action_list(world, personas, places):
    from datetime import timedelta

    from django.urls import reverse

    from fangkong.meetings.models import ActionItem

    ActionItem.objects.create(community=places["home"], text="补齐二号楼排查", due=D - timedelta(days=1))
    ActionItem.objects.create(community=places["home"], text="张贴通告", due=D)
    ActionItem.objects.create(community=places["home"], text="已完成", due=D - timedelta(days=2), done=True)
    ActionItem.objects.create(community=places["far"], text="别的街道", due=D - timedelta(days=1))
    from django.utils import translation

    with translation.override("en"):  # the detail is a sentence in the reader's language
        item = {a.key: a for a in selectors.dashboard_get(actor=personas["office"], day=D).attention}["actions_due"]
    assert item.count == 2 and item.urgent and item.url == reverse("meetings:actions")
    assert "1 overdue, 1 due today" in item.detail
    street = {a.key: a for a in selectors.dashboard_get(actor=personas["street"], day=D).attention}
    assert street["actions_due"].count == 2  # C9's item is another street's
