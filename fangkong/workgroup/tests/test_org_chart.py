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
