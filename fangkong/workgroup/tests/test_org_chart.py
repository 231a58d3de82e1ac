from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from fangkong.core.errors import FieldError, NotFound
from fangkong.registry.models import Household
from fangkong.workgroup.models import HouseholdLiaison, Member
from fangkong.workgroup.services import liaison_assign, member_add, working_group_create


@pytest.fixture
def group(places, personas):
    g = working_group_create(actor=personas["leader"], community=places["home"], name="防控工作组",
                             established=date(2020, 1, 24))
    boss = member_add(actor=personas["leader"], group=g, name="书记甲", position=Member.Position.SECRETARY)
    member_add(actor=personas["leader"], group=g, name="主任乙", position=Member.Position.DIRECTOR, reports_to=boss,
               duties="统筹排查")
    return g


def test_org_chart_page_shows_the_tree_and_liaison_counts(group, places, personas, make_person):
    worker = member_add(actor=personas["leader"], group=group, name="网格员丙",
                        position=Member.Position.GRID_WORKER, grid=places["grid1"],
                        reports_to=group.members.get(position="director"))
    make_person(places["grid1"])
    make_person(places["grid1"])
    liaison_assign(actor=personas["leader"], households=list(Household.objects.filter(grid=places["grid1"])),
                   member=worker)
    c = Client()
    c.force_login(personas["grid1"])
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = c.get(reverse("workgroup:org_chart", args=[places["home"].code])).content.decode()
    assert page.index("书记甲") < page.index("主任乙") < page.index("网格员丙")
    assert "统筹排查" in page and "2 households" in page


def test_liaison_is_one_per_household_and_reassignable(group, places, personas, make_person):
    p = make_person(places["grid1"])
    a = member_add(actor=personas["leader"], group=group, name="甲", position=Member.Position.COMMITTEE)
    b = member_add(actor=personas["leader"], group=group, name="乙", position=Member.Position.COMMITTEE)
    liaison_assign(actor=personas["leader"], households=[p.household], member=a)
    liaison_assign(actor=personas["leader"], households=[p.household], member=b)
    assert HouseholdLiaison.objects.get(household=p.household).member == b


def test_outsiders_cannot_change_or_view_the_group(group, places, personas, make_person):
    with pytest.raises(NotFound):
        member_add(actor=personas["outsider"], group=group, name="x", position=Member.Position.COMMITTEE)
    c = Client()
    c.force_login(personas["outsider"])
    assert c.get(reverse("workgroup:org_chart", args=[places["home"].code])).status_code == 404


def test_households_of_another_community_cannot_be_assigned(group, places, personas, make_person):
    far_person = make_person(places["neighbour"].grids.first())
    m = member_add(actor=personas["leader"], group=group, name="甲", position=Member.Position.COMMITTEE)
    with pytest.raises(FieldError):
        liaison_assign(actor=personas["leader"], households=[far_person.household], member=m)
    assert not HouseholdLiaison.objects.exists()


def test_a_leader_adds_a_member_on_the_page_and_a_grid_worker_cannot(group, places, personas):
    url = reverse("workgroup:org_chart", args=[places["home"].code])
    director = group.members.get(position="director")
    c = Client()
    c.force_login(personas["leader"])
    r = c.post(url, {"name": "委员丁", "position": "committee", "duties": "物资保障", "reports_to": director.pk,
                     "grid": places["grid1"].pk})
    assert r.status_code == 302
    added = group.members.get(name="委员丁")
    assert (added.reports_to, added.grid, added.duties) == (director, places["grid1"], "物资保障")
    # A member of another group is not among the choices: refused on the form, nothing added.
    other = working_group_create(actor=personas["outsider"], community=places["far"], name="x",
                                 established=date(2020, 1, 24))
    stranger = member_add(actor=personas["outsider"], group=other, name="外人", position=Member.Position.SECRETARY)
    r = c.post(url, {"name": "委员戊", "position": "committee", "reports_to": stranger.pk})
    assert r.status_code == 200 and r.context["form"].errors["reports_to"]
    assert not group.members.filter(name="委员戊").exists()
    r = c.post(url, {"name": "", "position": "committee"})
    assert r.status_code == 200 and r.context["form"].errors["name"]
    g = Client()
    g.force_login(personas["grid1"])
    assert g.post(url, {"name": "委员己", "position": "committee"}).status_code == 403
    assert group.members.count() == 3


def test_working_group_api_gives_the_chart_in_scope(group, places, api_client):
    body = api_client("grid1").get(f"/api/v1/communities/{places['home'].code}/working-group").json()
    assert body["name"] == "防控工作组" and body["established"] == "2020-01-24"
    [boss] = body["members"]
    assert (boss["name"], boss["position"], [m["name"] for m in boss["reports"]]) == ("书记甲", "secretary", ["主任乙"])
    assert api_client("outsider").get(f"/api/v1/communities/{places['home'].code}/working-group").status_code == 404
    assert api_client("street").get(f"/api/v1/communities/{places['home'].code}/working-group").status_code == 200
