"""Bulk issue by grid, by building and by a picked list: only the people chosen, only in the issuer's
communities, and those who already hold a pass of the kind are skipped and counted."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from fangkong.passes import selectors, tasks
from fangkong.passes.models import Pass
from fangkong.passes.services import pass_issue
from fangkong.registry.models import Building

FORM = {"kind": "temporary", "valid_from": "2020-02-01", "valid_until": "2020-02-14"}


def job_of(response) -> dict:
    assert response.status_code == 302, response.content.decode()[:2000]
    return tasks.bulk_job_get(response["Location"].rstrip("/").rsplit("/", 1)[1])


def hold(personas, person) -> Pass:
    return pass_issue(actor=personas["office"], person=person, kind="temporary", valid_from=date(2020, 2, 1),
                      valid_until=date(2099, 12, 31))


def holders(kind="temporary") -> set[str]:
    return set(Pass.objects.filter(kind=kind).values_list("person__name", flat=True))


def test_by_grid_issues_that_grid_only_and_skips_holders(places, personas, make_person, login):
    a, b = (make_person(places["grid1"], name=n, category="floating") for n in ("一格甲", "一格乙"))
    local = make_person(places["grid1"], name="一格本地", category="registered")
    make_person(places["grid2"], name="二格丙", category="floating")
    hold(personas, b)
    c = login("office")
    page = c.get(reverse("passes:issue"), {"by": "grid"}).content.decode()
    assert 'name="grid"' in page and 'name="group"' not in page
    job = job_of(c.post(reverse("passes:issue"), {"by": "grid", "grid": places["grid1"].pk, **FORM}))
    assert (job["status"], job["candidates"], job["issued"], job["skipped"]) == ("done", 3, 2, 1)
    assert holders() == {a.name, b.name, local.name}  # every category, grid 1 only: 二格丙 has none
    html = c.get(reverse("passes:issue_job", kwargs={"job_id": job["id"]})).content.decode()
    assert places["grid1"].name in html and "1 person already held one and was skipped." in html


def test_by_building(places, personas, make_person, login):
    one = make_person(places["grid1"], name="一号楼住户")  # make_person puts grid 1's households in 1号楼
    make_person(places["grid2"], name="二号楼住户")
    building = Building.objects.get(community=places["home"], name="1号楼")
    c = login("leader")
    assert 'name="building"' in c.get(reverse("passes:issue"), {"by": "building"}).content.decode()
    job = job_of(c.post(reverse("passes:issue"), {"by": "building", "building": building.pk, **FORM,
                                                  "kind": "resident"}))
    assert (job["issued"], job["skipped"]) == (1, 0)
    assert holders("resident") == {one.name}


def test_a_grid_or_building_of_another_community_is_refused(places, personas, make_person, login):
    far = make_person(places["far"].grids.get(), name="远方居民", category="floating")
    c = login("office")
    response = c.post(reverse("passes:issue"), {"by": "grid", "grid": far.grid_id or far.household.grid_id, **FORM})
    assert response.status_code == 200 and "grid" in response.context["form"].errors
    response = c.post(reverse("passes:issue"), {"by": "building", "building": far.household.building_id, **FORM})
    assert response.status_code == 200 and "building" in response.context["form"].errors
    assert not Pass.objects.exists()


def test_picked_people_by_search_and_tick(places, personas, make_person, login):
    picked = [make_person(places["grid1"], name=f"张{n}") for n in "一二三"]
    held = make_person(places["grid2"], name="张四")
    hold(personas, held)
    stranger = make_person(places["far"].grids.get(), name="张外")
    c = login("office")
    page = c.get(reverse("passes:issue"), {"by": "picked", "q": "张"}).content.decode()
    for p in [*picked, held]:
        assert f'value="{p.pk}"' in page
    assert "张外" not in page  # another community's people are not found
    row = page[page.index(f'value="{held.pk}"'):]
    assert "temporary pass" in row[:row.index("</tr>")]  # 张四's pass is shown beside the name
    job = job_of(c.post(reverse("passes:issue"), {
        "by": "picked", "community": "C1", **FORM,
        "people": [picked[0].pk, picked[2].pk, held.pk, stranger.pk]}))
    # The stranger (another community) is dropped unseen; 张四 is skipped for holding one.
    assert (job["candidates"], job["issued"], job["skipped"]) == (3, 2, 1)
    assert holders() == {picked[0].name, picked[2].name, held.name}


def test_picked_list_arrives_ticked_from_another_page(places, personas, make_person, login):
    a, b, c_ = (make_person(places["grid1"], name=n) for n in ("甲某", "乙某", "丙某"))
    page = login("office").get(reverse("passes:issue") + f"?by=picked&person={a.pk}&person={b.pk}").content.decode()
    assert f'value="{a.pk}" id="pick-{a.pk}" checked' in page and f'value="{b.pk}" id="pick-{b.pk}" checked' in page
    assert f'value="{c_.pk}"' not in page


def test_nobody_ticked_is_refused_and_nothing_issued(places, personas, make_person, login):
    make_person(places["grid1"], name="甲某")
    response = login("office").post(reverse("passes:issue"), {"by": "picked", "community": "C1", **FORM})
    assert response.status_code == 200 and "people" in response.context["form"].errors
    assert not Pass.objects.exists()


def test_the_selector_keeps_to_the_actors_communities(places, personas, make_person):
    import pytest

    from fangkong.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.bulk_candidates(actor=personas["outsider"], community=places["home"], by="grid",
                                  grid=places["grid1"].pk)
