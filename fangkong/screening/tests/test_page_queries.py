"""The screening pages cost a fixed number of SQL queries, however many households a round has: the
figures are counted by the database, never one query per household or person. Each page is requested
on a small round, then again after more households, people, visits and changes; the count must not move,
and stays under a ceiling."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from fangkong.screening.services import MemberCheck, visit_record

# The most each page may cost, sign-in and session included (measured: see docs/performance.md).
# The office's pages hold one query more than a grid worker's: the street office's open reminders of the
# daily report, shown on every page of the community's office (reports.context_processors).
CEILING = {
    "today": 6,
    "round_list": 11,
    "round_detail": 15,
    "door_list": 13,
    "visit_form": 11,
    "changes": 11,
}


def count_queries(client, url: str) -> int:
    """Queries run by one request (the request signals empty `connection.queries`, so count them as they go)."""
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(seen)


def grow(personas, places, make_person, rnd, n: int) -> None:
    """n more households in each grid, each with two people, half of them visited (one seen, one not)."""
    for grid in (places["grid1"], places["grid2"]):
        for i in range(n):
            p = make_person(grid, name=f"新住户{i}")
            make_person(grid, name=f"家人{i}", household=p.household, relation="spouse")
            if i % 2:
                worker = personas["grid1" if grid == places["grid1"] else "grid2"]
                visit_record(actor=worker, rnd=rnd, household=p.household, outcome="seen" if i % 4 == 1 else
                             "nobody_home", checks=[MemberCheck(person_id=p.id, temperature="36.5")]
                             if i % 4 == 1 else [])


def pages(rnd, door) -> dict[str, list[tuple[str, str]]]:
    detail = reverse("screening:round_detail", args=[rnd.pk])
    doors = reverse("screening:visit_start", args=[rnd.pk])
    return {
        "today": [("grid1", reverse("screening:today"))],
        "round_list": [("office", reverse("screening:round_list")), ("grid1", reverse("screening:round_list")),
                       ("street", reverse("screening:round_list"))],
        "round_detail": [("office", detail), ("grid1", detail), ("street", detail)],
        "door_list": [("office", doors), ("grid1", doors), ("grid1", doors + f"?after={door.pk}")],
        "visit_form": [("grid1", reverse("screening:visit_record", args=[rnd.pk, door.pk]))],
        "changes": [("office", reverse("screening:changes")), ("grid1", reverse("screening:changes"))],
    }


@pytest.mark.parametrize("page", list(CEILING))
def test_a_page_costs_the_same_queries_for_a_bigger_round(page, login, personas, places, make_person,
                                                          three_doors):
    rnd = three_doors["round"]
    targets = pages(rnd, three_doors["hh_a"])[page]
    clients = {who: login(who) for who, _url in targets}
    for who, url in targets:
        count_queries(clients[who], url)  # warm: the caches a page fills once
    before = {(who, url): count_queries(clients[who], url) for who, url in targets}
    grow(personas, places, make_person, rnd, 6)
    after = {(who, url): count_queries(clients[who], url) for who, url in targets}
    assert after == before
    assert max(after.values()) <= CEILING[page], after


def test_the_round_list_counts_every_round_in_one_query(login, personas, places, make_person, three_doors):
    """Several rounds on the page, over different grids, one closed: each shows its own figures (the same
    as its coverage), and a page of more rounds costs no more queries."""
    from datetime import date

    from fangkong.screening.selectors import round_coverage
    from fangkong.screening.services import round_close, round_create

    office = login("office")
    url = reverse("screening:round_list")
    count_queries(office, url)
    one = count_queries(office, url)
    rnd = three_doors["round"]
    visit_record(actor=personas["grid1"], rnd=rnd, household=three_doors["hh_a"], outcome="seen",
                 checks=[MemberCheck(person_id=three_doors["a1"].id, temperature="36.5")])
    grid2 = round_create(actor=personas["office"], community=places["home"], name="二网格复查",
                         starts_on=date(2020, 2, 1), deadline=date(2099, 1, 1), grids=[places["grid2"]])
    visit_record(actor=personas["grid2"], rnd=grid2, household=three_doors["hh_c"], outcome="refused")
    old = round_create(actor=personas["office"], community=places["home"], name="旧轮次",
                       starts_on=date(2020, 1, 1), deadline=date(2020, 1, 2))
    round_close(actor=personas["office"], rnd=old)
    assert count_queries(office, url) == one
    for who in ("office", "grid1", "grid2", "street"):
        html = login(who).get(url).content.decode()
        for r in (rnd, grid2, old):
            t = round_coverage(actor=personas[who], rnd=r).total
            card = html.split(f'id="round-{r.pk}"')[1].split("</li>")[0]
            if t.households_total:
                assert f'data-percent="{t.percent}"' in card and f"{t.seen} / {t.households_total}" in card, (who, r)
            else:
                assert "No households of yours" in card, (who, r)
