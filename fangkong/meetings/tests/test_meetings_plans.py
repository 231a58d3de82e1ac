"""Meetings with attendance (landlords, working-group members), the absent-landlords list, plan versions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.errors import FieldError, NotFound, PermissionDenied
from fangkong.meetings import selectors, services
from fangkong.meetings.models import Attendance, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def landlords(places, make_person):
    """Two landlords with open tenancies (one of them with two tenants), one whose tenancy ended."""
    from fangkong.registry.models import Tenancy

    home = places["home"]
    a, b, gone = (make_person(places["grid1"], name=n) for n in ("房东甲", "房东乙", "房东丙"))
    tenants = [make_person(places["grid1"], name=f"租户{i}") for i in range(4)]

    def let(landlord, tenant, end=None):
        Tenancy.objects.create(community=home, landlord=landlord, tenant=tenant, household=tenant.household,
                               start_date=date(2019, 6, 1), end_date=end)

    let(a, tenants[0])
    let(a, tenants[1])
    let(b, tenants[2])
    let(gone, tenants[3], end=date(2020, 1, 1))
    return {"a": a, "b": b, "gone": gone}


def test_landlords_meeting_invites_each_landlord_once(personas, places, landlords):
    leader = personas["leader"]
    meeting = services.meeting_create(actor=leader, community=places["home"], kind="landlords",
                                      title="房东防疫动员大会", held_at=timezone.now() - timedelta(hours=1))
    assert sorted(meeting.attendance.values_list("name", flat=True)) == ["房东乙", "房东甲"]
    assert services.attendance_invite_landlords(actor=leader, meeting=meeting) == 0  # already there

    row_a = meeting.attendance.get(person=landlords["a"])
    row_b = meeting.attendance.get(person=landlords["b"])
    services.attendance_mark(actor=leader, attendance=row_a, present=True)
    absent = selectors.absent_landlords(actor=leader)
    assert [r.pk for r in absent] == [row_b.pk]
    assert list(selectors.absent_landlords(actor=personas["outsider"])) == []
    services.attendance_follow_up(actor=leader, attendance=row_b, note="电话已告知")
    assert list(selectors.absent_landlords(actor=leader)) == []
    row_b.refresh_from_db()
    assert row_b.followed_up_by == leader and row_b.note == "电话已告知"
    with pytest.raises(PermissionDenied):
        services.attendance_mark(actor=personas["street"], attendance=row_a, present=False)


def test_deployment_meeting_invites_the_working_group(personas, places):
    from fangkong.workgroup.services import member_add, working_group_create

    leader, home = personas["leader"], places["home"]
    group = working_group_create(actor=leader, community=home, name="疫情防控工作组", established=date(2020, 1, 24))
    member_add(actor=leader, group=group, name="王书记", position="secretary")
    member_add(actor=leader, group=group, name="李主任", position="director")
    meeting = services.meeting_create(actor=leader, community=home, kind="deployment", title="部署会",
                                      held_at=timezone.now(), agenda="一、通报疫情")
    assert list(meeting.attendance.values_list("name", flat=True)) == ["李主任", "王书记"]
    services.meeting_update(actor=leader, meeting=meeting, decisions="封闭管理")
    meeting.refresh_from_db()
    assert meeting.decisions == "封闭管理" and meeting.agenda == "一、通报疫情"
    with pytest.raises(FieldError):
        services.meeting_update(actor=leader, meeting=meeting, title=" ")
    item = services.action_add(actor=leader, meeting=meeting, text="印发通告", owner="office")
    assert item.community_id == home.id and item.owner == personas["office"]
    assert AuditEntry.objects.filter(object_type="meeting", object_id=str(meeting.pk)).count() == 2


def test_meetings_are_scoped(personas, places):
    meeting = services.meeting_create(actor=personas["leader"], community=places["home"], kind="other",
                                      title="会", held_at=timezone.now())
    assert selectors.meeting_get(actor=personas["street"], pk=meeting.pk) == meeting
    with pytest.raises(NotFound):
        selectors.meeting_get(actor=personas["outsider"], pk=meeting.pk)
    assert list(selectors.meeting_list(actor=personas["outsider"])) == []
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=personas["street"], community=places["home"], kind="other", title="x",
                                held_at=timezone.now())
    assert Meeting.objects.count() == 1 and Attendance.objects.count() == 0


def test_plan_versions_increment_with_who_and_when(personas, places):
    home = places["home"]
    before = timezone.now()
    v1 = services.plan_version_add(actor=personas["leader"], community=home, kind="emergency", body="第一版",
                                   note="初稿")
    v2 = services.plan_version_add(actor=personas["office"], community=home, kind="emergency", body="第二版",
                                   note="增加隔离点")
    other = services.plan_version_add(actor=personas["leader"], community=home, kind="work", body="工作方案")
    assert (v1.version, v2.version, other.version) == (1, 2, 1)
    assert v1.plan_id == v2.plan_id != other.plan_id
    assert v1.created_by == personas["leader"] and v2.created_by == personas["office"]
    assert v2.created_at >= v1.created_at >= before
    plan = selectors.plan_get(actor=personas["street"], pk=v1.plan_id)
    assert [v.body for v in selectors.plan_versions(plan=plan)] == ["第二版", "第一版"]
    assert [(p.kind, p.latest) for p in selectors.plan_list(actor=personas["leader"])] == [("emergency", 2),
                                                                                           ("work", 1)]
    with pytest.raises(NotFound):
        selectors.plan_get(actor=personas["outsider"], pk=v1.plan_id)
    with pytest.raises(PermissionDenied):
        services.plan_version_add(actor=personas["street"], community=home, kind="work", body="x")
    with pytest.raises(FieldError):
        services.plan_version_add(actor=personas["leader"], community=home, kind="work", body="  ")
