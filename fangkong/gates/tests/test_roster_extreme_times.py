"""A shift typed at the ends of the calendar, or with staff named by an id no database holds, is a form error on
the roster page, never a server error. A shift starting 0001-01-01T00:00 once ended in a 500: Asia/Shanghai's
midnight of that day lies before the first instant Python can express in UTC, where the database stores it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from fangkong.gates.models import Shift
from fangkong.workgroup.models import Member
from fangkong.workgroup.services import member_add, working_group_create


@pytest.fixture
def leader_on_duty(personas, places, gates):
    group = working_group_create(actor=personas["leader"], community=places["home"], name="组",
                                 established=date(2020, 1, 24))
    return member_add(actor=personas["leader"], group=group, name="带班", position=Member.Position.COMMITTEE)


@pytest.mark.parametrize(("starts_at", "ends_at"), [
    ("0001-01-01T00:00", "0001-01-01T08:00"),
    ("9999-12-31T16:00", "9999-12-31T23:59"),
    ("0001-01-01T00:00", "2026-11-29T08:00"),
])
def test_a_shift_at_the_ends_of_the_calendar_is_a_form_error(login, gates, leader_on_duty, starts_at, ends_at):
    r = login("leader").post("/gate/roster/", {"gate": gates["east"].pk, "starts_at": starts_at, "ends_at": ends_at,
                                               "leader": leader_on_duty.pk})
    assert r.status_code == 422
    error = re.search(r'id="id_starts_at_error">(.*?)</ul>', r.content.decode(), re.S)
    assert error and "Dates lie between 2000 and 2100" in error.group(1)
    assert not Shift.objects.exists()


@pytest.mark.parametrize("staff", ["9223372036854775808", "1" + "0" * 30, "-1"])
def test_a_staff_id_that_is_no_database_id_is_a_form_error(login, gates, leader_on_duty, staff):
    """SQLite cannot compare a number past 64 bits: the lookup of such a user once ended in a 500."""
    r = login("leader").post("/gate/roster/", {"gate": gates["east"].pk, "starts_at": "2026-11-29T08:00",
                                               "ends_at": "2026-11-29T16:00", "leader": leader_on_duty.pk,
                                               "staff": [staff]})
    assert r.status_code == 422 and re.search(r'id="id_staff_error"', r.content.decode())
    assert not Shift.objects.exists()
