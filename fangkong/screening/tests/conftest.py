"""Screening rounds over the personas' community (root conftest), made through the real services.

Two shapes, because the tests count different things: the pages test a family at one door (member blocks,
someone added on the spot), the coverage tests count households one person each, and an empty flat.
"""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.registry.services import household_create
from fangkong.screening.services import round_create


@pytest.fixture
def three_doors(personas, places, make_person):
    """Grid 1: household a (two members, a1 and a2) and household b; grid 2: household c. An open round,
    "第一轮排查", over the whole community. Keys: round, a1, a2, b, c, hh_a, hh_b, hh_c."""
    g1, g2 = places["grid1"], places["grid2"]
    a1 = make_person(g1, name="张三丰")
    a2 = make_person(g1, name="李秀英", household=a1.household, relation="spouse")
    b = make_person(g1, name="王五")
    c = make_person(g2, name="赵六")
    rnd = round_create(actor=personas["office"], community=places["home"], name="第一轮排查",
                       starts_on=date(2020, 1, 1), deadline=date(2099, 1, 1))
    return {"round": rnd, "a1": a1, "a2": a2, "b": b, "c": c,
            "hh_a": a1.household, "hh_b": b.household, "hh_c": c.household}


@pytest.fixture
def five_doors(personas, places, make_person):
    """Grid 1: households a, b, c; grid 2: households d, e and an empty flat; one person in each household.
    An open round, "第一轮", over the whole community. Keys: round, people and hh (by letter; hh["empty"]
    too), g1, g2."""
    g1, g2 = places["grid1"], places["grid2"]
    people = {k: make_person(g1 if k in "abc" else g2, name=f"居民{k}") for k in "abcde"}
    hh = {k: p.household for k, p in people.items()}
    hh["empty"] = household_create(actor=personas["admin"], community=places["home"], grid=g2,
                                   building_name="2号楼", unit="9单元", room="999")
    rnd = round_create(actor=personas["office"], community=places["home"], name="第一轮", starts_on=date(2020, 1, 1),
                       deadline=date(2099, 1, 1))
    return {"round": rnd, "people": people, "hh": hh, "g1": g1, "g2": g2}
