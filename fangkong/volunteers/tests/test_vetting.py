"""The office vets sign-ups (accept, decline with reason), gives a login, rosters the volunteer through the
gates' service, gives tasks, and counts hours served; all within its scope."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fangkong.accounts.models import AuditEntry, User
from fangkong.accounts.roles import Role
from fangkong.accounts.scope import scope_of
from fangkong.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationErrors
from fangkong.gates.models import Gate
from fangkong.gates.services import shift_add
from fangkong.volunteers import selectors, services
from fangkong.volunteers.models import Volunteer
from fangkong.workgroup.models import Member
from fangkong.workgroup.services import member_add, working_group_create

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture
def roster(personas, places):
    home = places["home"]
    group = working_group_create(actor=personas["leader"], community=home, name="组", established=date(2020, 1, 24))
    lead = member_add(actor=personas["leader"], group=group, name="张书记", position=Member.Position.SECRETARY)
    lead2 = member_add(actor=personas["leader"], group=group, name="李主任", position=Member.Position.DIRECTOR)
    gate = Gate.objects.create(community=home, code="east", name="东门岗")
    return {"lead": lead, "lead2": lead2, "gate": gate}


def shift(personas, roster, start, hours=4, lead="lead"):
    return shift_add(actor=personas["leader"], gate=roster["gate"], starts_at=start, ends_at=start + hours * H,
                     leader=roster[lead])


def test_list_puts_pending_first_and_is_masked(personas, signed_up, login):
    a, b = signed_up(), signed_up()
    services.volunteer_accept(actor=personas["office"], volunteer=a)
    rows = list(selectors.volunteer_list(actor=personas["office"]))
    assert [r.pk for r in rows] == [b.pk, a.pk]
    body = login("office").get("/volunteers/").content.decode()
    assert b.phone_masked in body and b.phone not in body and b.id_number not in body


def test_scope_hides_other_communities(personas, places, signed_up, login):
    far = signed_up(places["far"])
    assert far.pk not in {v.pk for v in selectors.volunteer_list(actor=personas["office"])}
    with pytest.raises(NotFound):
        selectors.volunteer_get(actor=personas["office"], pk=far.pk)
    assert login("office").get(f"/volunteers/{far.pk}/").status_code == 404
    assert login("office").post(f"/volunteers/{far.pk}/accept/").status_code == 404
    # The street office sees its street's communities, not the far one.
    street = scope_of(personas["street"])
    assert places["home"].pk in street.visible_community_ids


def test_accept_and_decline_are_audited_and_only_once(personas, signed_up):
    a, b = signed_up(), signed_up()
    services.volunteer_accept(actor=personas["office"], volunteer=a)
    with pytest.raises(Conflict):
        services.volunteer_decline(actor=personas["office"], volunteer=a, reason="重复")
    with pytest.raises(FieldError):
        services.volunteer_decline(actor=personas["office"], volunteer=b, reason="  ")
    services.volunteer_decline(actor=personas["office"], volunteer=b, reason="年龄不符")
    b.refresh_from_db()
    assert b.status == Volunteer.Status.DECLINED and b.decline_reason == "年龄不符"
    assert AuditEntry.objects.filter(object_type="volunteer", action="update").count() == 2


def test_a_grid_worker_may_not_vet(personas, signed_up):
    with pytest.raises(PermissionDenied):
        services.volunteer_accept(actor=personas["grid1"], volunteer=signed_up())


def test_vetting_through_the_pages(personas, signed_up, login):
    v = signed_up()
    c = login("office")
    assert c.post(f"/volunteers/{v.pk}/decline/", {"reason": ""}).status_code == 302
    v.refresh_from_db()
    assert v.status == Volunteer.Status.PENDING
    assert c.post(f"/volunteers/{v.pk}/accept/").status_code == 302
    v.refresh_from_db()
    assert v.status == Volunteer.Status.ACCEPTED


def test_login_is_created_once_with_the_volunteer_role_and_password_shown_once(personas, places, signed_up, login):
    v = signed_up()
    with pytest.raises(Conflict):
        services.volunteer_login_create(actor=personas["office"], volunteer=v)
    services.volunteer_accept(actor=personas["office"], volunteer=v)
    c = login("office")
    answer = c.post(f"/volunteers/{v.pk}/login/")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    v.refresh_from_db()
    user = User.objects.get(pk=v.user_id)
    assert user.role == Role.VOLUNTEER
    assert scope_of(user).community_ids == frozenset({places["home"].pk})
    first = answer.content.decode()
    assert user.username in first and "shown only this once" in first
    password = first.split("with the password ")[1].split(".")[0]
    assert user.check_password(password)
    assert "shown only this once" not in c.get(f"/volunteers/{v.pk}/").content.decode()
    with pytest.raises(Conflict):
        services.volunteer_login_create(actor=personas["office"], volunteer=v)


def test_shift_assignment_goes_through_the_roster_rules_and_hours_are_counted(personas, roster, signed_up):
    v = signed_up()
    services.volunteer_accept(actor=personas["office"], volunteer=v)
    user, _ = services.volunteer_login_create(actor=personas["office"], volunteer=v)
    v.refresh_from_db()
    now = timezone.now()
    past = shift(personas, roster, now - 30 * H, hours=4)
    overlapping = shift(personas, roster, now - 28 * H, hours=4, lead="lead2")
    future = shift(personas, roster, now + 30 * H, hours=6)
    services.volunteer_shift_assign(actor=personas["leader"], volunteer=v, shift_pk=past.pk)
    with pytest.raises(ValidationErrors):  # the gates' clash rule: already on duty then
        services.volunteer_shift_assign(actor=personas["leader"], volunteer=v, shift_pk=overlapping.pk)
    services.volunteer_shift_assign(actor=personas["leader"], volunteer=v, shift_pk=future.pk)
    with pytest.raises(PermissionDenied):  # a grid worker does not manage the roster
        services.volunteer_shift_assign(actor=personas["grid1"], volunteer=v, shift_pk=future.pk)
    assert user in past.staff.all() and user in future.staff.all()
    task = services.task_add(actor=personas["office"], volunteer=v, title="送菜", when=now - 2 * H,
                             hours=Decimal("1.5"))
    services.task_add(actor=personas["office"], volunteer=v, title="消杀", when=now + 2 * H, hours=Decimal("2"))
    assert selectors.volunteer_hours(volunteer=v) == Decimal("4.0")  # only the ended shift
    services.task_done(actor=personas["office"], task=task)
    assert selectors.volunteer_hours(volunteer=v) == Decimal("5.5")  # + the task done, not the open one


def test_tasks_only_for_accepted_volunteers(personas, signed_up):
    with pytest.raises(Conflict):
        services.task_add(actor=personas["office"], volunteer=signed_up(), title="x", when=timezone.now(),
                          hours=Decimal(1))
