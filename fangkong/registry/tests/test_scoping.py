"""A grid worker of grid 1 cannot reach grid 2's people through any page or API; a street office
sees only its own communities."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.registry import selectors


@pytest.fixture
def people(places, make_person):
    return {
        "in_grid1": make_person(places["grid1"], name="甲一"),
        "in_grid2": make_person(places["grid2"], name="乙二"),
        "neighbour": make_person(places["neighbour"].grids.first(), name="丙三"),
        "far": make_person(places["far"].grids.first(), name="丁四"),
    }


def test_grid_worker_lists_only_their_grid(personas, people):
    names = {p.name for p in selectors.person_list(actor=personas["grid1"])}
    assert names == {"甲一"}


def test_grid_worker_cannot_open_another_grids_person_page(personas, people, login):
    c = login("grid1")
    assert c.get(reverse("registry:person_detail", args=[people["in_grid1"].pk])).status_code == 200
    other = people["in_grid2"]
    assert c.get(reverse("registry:person_detail", args=[other.pk])).status_code == 404
    assert c.get(reverse("registry:household_detail", args=[other.household_id])).status_code == 404
    assert c.post(reverse("registry:person_reveal", args=[other.pk, "phone"])).status_code == 404
    listing = c.get(reverse("registry:person_list")).content.decode()
    assert "甲一" in listing and "乙二" not in listing
    households = c.get(reverse("registry:household_list")).content.decode()
    assert other.household.address not in households


def test_grid_worker_cannot_find_another_grids_person_by_exact_id(personas, people):
    other = people["in_grid2"]
    assert not selectors.person_list(actor=personas["grid1"], q=other.id_number).exists()
    assert selectors.person_list(actor=personas["grid2"], q=other.id_number).get() == other


def test_grid_worker_api_is_scoped(personas, people, api_client):
    c = api_client("grid1")
    other = people["in_grid2"]
    assert c.get(f"/api/v1/people/{other.pk}").status_code == 404
    assert c.get(f"/api/v1/households/{other.household_id}").status_code == 404
    listed = c.get("/api/v1/people?limit=100").json()["items"]
    assert [p["name"] for p in listed] == ["甲一"]
    assert c.get(f"/api/v1/people?q={other.id_number}").json()["count"] == 0
    grids = c.get("/api/v1/grids").json()
    assert [g["number"] for g in grids] == [1]


def test_street_office_sees_only_its_communities(personas, people, api_client):
    names = {p.name for p in selectors.person_list(actor=personas["street"])}
    assert names == {"甲一", "乙二", "丙三"}
    codes = {c["code"] for c in api_client("street").get("/api/v1/communities").json()}
    assert codes == {"C1", "C2"}
    assert api_client("street").get(f"/api/v1/people/{people['far'].pk}").status_code == 404


def test_street_office_cannot_reveal(personas, people, api_client):
    r = api_client("street").get(f"/api/v1/people/{people['in_grid1'].pk}?reveal=id_number")
    assert r.status_code == 403


def test_outsider_community_leader_sees_nothing_of_ours(personas, people):
    assert {p.name for p in selectors.person_list(actor=personas["outsider"])} == {"丁四"}


def test_guard_has_no_registry_access(personas, people, login):
    c = login("guard")
    assert c.get(reverse("registry:person_list")).status_code == 403
    assert c.get(reverse("registry:person_detail", args=[people["in_grid1"].pk])).status_code == 403
