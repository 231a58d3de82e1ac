"""Where a grid worker's day starts (`screening:today`) and where a recorded visit leads (the door list)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.urls import reverse

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.dates import local_today
from fangkong.screening.services import round_close, round_create, visit_record

TODAY = reverse("screening:today")


def door_list(rnd, **params):
    from urllib.parse import urlencode

    url = reverse("screening:visit_start", args=[rnd.pk])
    return f"{url}?{urlencode(params)}" if params else url


def test_a_grid_worker_goes_straight_to_the_door_list_of_todays_round(login, three_doors, places):
    r = login("grid1").get(TODAY)
    assert r.status_code == 302
    assert r["Location"] == door_list(three_doors["round"], grid=places["grid1"].pk)
    page = login("grid1").get(r["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert three_doors["hh_a"].address in body and three_doors["hh_b"].address in body
    assert three_doors["hh_c"].address not in body  # grid 2's door


def test_without_an_open_round_the_page_says_so(login, three_doors, personas):
    round_close(actor=personas["office"], rnd=three_doors["round"])
    r = login("grid1").get(TODAY)
    assert r.status_code == 200
    body = r.content.decode()
    assert "No screening round is open today for your grids." in body
    assert 'id="open-round"' not in body  # a grid worker may not open one
    office = login("office").get(TODAY)
    assert office.status_code == 200 and 'id="open-round"' in office.content.decode()


def test_a_round_that_starts_tomorrow_is_not_todays(login, personas, places, make_person):
    make_person(places["grid1"])
    tomorrow = local_today() + timedelta(days=1)
    round_create(actor=personas["office"], community=places["home"], name="明天", starts_on=tomorrow,
                 deadline=tomorrow)
    r = login("grid1").get(TODAY)
    assert r.status_code == 200 and "No screening round is open today" in r.content.decode()


def test_a_round_over_another_grid_is_not_offered(login, personas, places, make_person):
    make_person(places["grid2"])
    round_create(actor=personas["office"], community=places["home"], name="二网格", starts_on=date(2020, 1, 1),
                 deadline=date(2099, 1, 1), grids=[places["grid2"]])
    assert login("grid1").get(TODAY).status_code == 200
    assert login("grid2").get(TODAY)["Location"].endswith(f"grid={places['grid2'].pk}")


def test_a_worker_of_several_grids_chooses(login, three_doors, places):
    both = user_create(username="both", password="pw-both", role=Role.GRID_WORKER,
                       grids=[places["grid1"], places["grid2"]])
    r = login(both).get(TODAY)
    assert r.status_code == 200
    body = r.content.decode()
    for g in (places["grid1"], places["grid2"]):
        assert door_list(three_doors["round"], grid=g.pk).replace("&", "&amp;") in body
    assert "No screening round is open" not in body
    # the doors left in each: grid 1 has households a and b, grid 2 household c
    left = re.findall(r'data-grid="(\d+)">.*?data-remaining="(\d+)"', body, re.S)
    assert left == [(str(places["grid1"].pk), "2"), (str(places["grid2"].pk), "1")]
    visit_record(actor=both, rnd=three_doors["round"], household=three_doors["hh_b"], outcome="nobody_home")
    body = login(both).get(TODAY).content.decode()
    left = re.findall(r'data-grid="(\d+)">.*?data-remaining="(\d+)"', body, re.S)
    assert left == [(str(places["grid1"].pk), "1"), (str(places["grid2"].pk), "1")]


def test_roles_that_do_not_visit_are_refused(login):
    assert login("street").get(TODAY).status_code == 403
    assert login("guard").get(TODAY).status_code == 403


def test_after_a_visit_the_door_list_shows_the_next_door_first(login, five_doors):
    rnd, hh = five_doors["round"], five_doors["hh"]
    c = login("grid1")
    start = c.get(door_list(rnd, grid=five_doors["g1"].pk))
    body = start.content.decode()
    assert body.index(hh["a"].address) < body.index(hh["b"].address) < body.index(hh["c"].address)
    url = reverse("screening:visit_record", args=[rnd.pk, hh["a"].pk])
    r = c.post(url, {"outcome": "nobody_home", "grid": five_doors["g1"].pk})
    assert r.status_code == 302
    assert r["Location"] == door_list(rnd, grid=five_doors["g1"].pk, after=hh["a"].pk)
    page = c.get(r["Location"])
    doors = page.content.decode().split('id="doors"')[1]
    # b is next; a, where nobody was home, waits at the end with the doors to call on again
    assert doors.index(hh["b"].address) < doors.index(hh["c"].address) < doors.index(hh["a"].address)
    r = c.post(reverse("screening:visit_record", args=[rnd.pk, hh["b"].pk]), {"outcome": "nobody_home"})
    assert r["Location"] == door_list(rnd, after=hh["b"].pk)  # no grid chosen: all the worker's grids


def test_the_next_door_wraps_round(login, five_doors):
    rnd, hh = five_doors["round"], five_doors["hh"]
    c = login("office")
    doors = c.get(door_list(rnd, after=hh["b"].pk)).content.decode().split('id="doors"')[1]
    order = sorted("acde", key=lambda k: doors.index(hh[k].address))
    assert order == ["c", "d", "e", "a"]
