"""The meetings demo, made through the real services on the root fixtures' places. Here rather than in
fangkong/demo/tests, whose package-wide demo would already hold these logins."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.demo.meetings import load_meetings_demo
from fangkong.meetings.models import ActionItem, Attendance, Briefing, Meeting, Plan
from fangkong.meetings.selectors import absent_landlords

pytestmark = pytest.mark.django_db


def test_meetings_demo(places, personas, make_person):
    from fangkong.registry.models import Tenancy
    from fangkong.workgroup.services import member_add, working_group_create

    home, admin = places["home"], personas["admin"]
    users = {name: user_create(username=name, password="pw-" + name, role=role, communities=[home])
             for name, role in [("secretary", Role.COMMUNITY_LEADER), ("director", Role.COMMUNITY_LEADER),
                                ("office1", Role.OFFICE_STAFF), ("committee1", Role.COMMITTEE_MEMBER)]}
    group = working_group_create(actor=admin, community=home, name="工作组", established=date(2020, 1, 24))
    for name in ("王书记", "李主任", "张委员"):
        member_add(actor=admin, group=group, name=name, position="committee")
    for i in range(10):
        landlord, tenant = make_person(places["grid1"], name=f"房东{i}"), make_person(places["grid1"], name=f"租户{i}")
        Tenancy.objects.create(community=home, landlord=landlord, tenant=tenant, household=tenant.household,
                               start_date=date(2019, 9, 1))

    load_meetings_demo(admin=admin, community=home)
    today = timezone.localdate()

    morning = Briefing.objects.get(community=home, date=today, kind="morning")
    items = list(morning.actions.all())
    assert len(items) == 3 and {a.owner.username for a in items} == {"grid1", "office1", "committee1"}
    overdue = [a for a in items if a.due < today and not a.done]
    assert len(overdue) == 1
    evening = Briefing.objects.get(community=home, date=today - timedelta(days=1), kind="evening")
    assert evening.minutes and evening.minutes_by == users["secretary"]

    deployment = Meeting.objects.get(community=home, kind="deployment")
    assert deployment.attendance.count() == 3 and deployment.attendance.filter(present=True).count() == 2
    assert deployment.decisions and deployment.actions.count() == 2
    landlords = Meeting.objects.get(community=home, kind="landlords")
    rows = Attendance.objects.filter(meeting=landlords)
    assert rows.count() == 10 and rows.filter(person__isnull=False).count() == 10
    absent = rows.filter(present=False)
    assert 0 < absent.count() < rows.filter(present=True).count()
    assert absent.filter(followed_up_at__isnull=False).count() == 1
    assert absent_landlords(actor=users["secretary"]).count() == absent.count() - 1
    assert landlords.actions.count() == 1 and landlords.held_at < timezone.now()

    for plan in Plan.objects.filter(community=home):
        versions = list(plan.versions.order_by("version"))
        assert [v.version for v in versions] == [1, 2]
        assert all(v.created_at < timezone.now() - timedelta(days=1) for v in versions)
        assert versions[0].created_by != versions[1].created_by
    assert set(Plan.objects.filter(community=home).values_list("kind", flat=True)) == {"work", "emergency"}
    assert ActionItem.objects.filter(community=home, done=False).count() == 4
