"""The volunteers demo, made through the real services on the root fixtures' places."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.demo.volunteers import load_volunteers_demo
from fangkong.gates.models import Gate
from fangkong.volunteers.models import Volunteer, VolunteerTask
from fangkong.volunteers.selectors import volunteer_hours

pytestmark = pytest.mark.django_db


def test_volunteers_demo(places, personas):
    from fangkong.workgroup.services import member_add, working_group_create

    home, admin = places["home"], personas["admin"]
    group = working_group_create(actor=admin, community=home, name="工作组", established=date(2020, 1, 24))
    member_add(actor=admin, group=group, name="王书记", position="secretary")
    Gate.objects.create(community=home, code="east", name="东门岗")

    load_volunteers_demo(admin=admin, community=home)

    vs = Volunteer.objects.filter(community=home)
    assert vs.count() == 20
    assert vs.filter(status="pending").count() == 5
    assert vs.filter(status="declined").exclude(decline_reason="").count() == 1
    with_login = vs.exclude(user=None)
    assert with_login.count() == 6
    assert any(v.user.shifts.exists() for v in with_login)
    assert VolunteerTask.objects.filter(community=home, done=True).count() == 10
    assert all(volunteer_hours(volunteer=v) > 0 for v in with_login)
    assert all(v.id_number_masked and "*" in v.id_number_masked for v in vs)
