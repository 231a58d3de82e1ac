"""Reads of the volunteers app, shared by the pages and the API; hours served are summed in SQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Case, DurationField, ExpressionWrapper, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import NotFound
from fangkong.gates.models import Shift
from fangkong.volunteers.models import Volunteer, VolunteerTask

_PENDING_FIRST = Case(When(status=Volunteer.Status.PENDING, then=Value(0)), default=Value(1),
                      output_field=IntegerField())


def volunteer_list(*, actor: User, status: str = "", limit: int = 500) -> QuerySet[Volunteer]:
    """Sign-ups in scope, those awaiting vetting first, newest first within; bounded."""
    require(actor, Perm.VIEW_VOLUNTEERS)
    qs = Volunteer.objects.for_scope(scope_of(actor)).select_related("community")
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(pending_first=_PENDING_FIRST).order_by("pending_first", "-id")[:limit]


def volunteer_get(*, actor: User, pk: int) -> Volunteer:
    require(actor, Perm.VIEW_VOLUNTEERS)
    v = Volunteer.objects.for_scope(scope_of(actor)).select_related("community", "user").filter(pk=pk).first()
    if v is None:
        raise NotFound(_("No such volunteer in your scope"))
    return v


def task_get(*, actor: User, pk: int) -> VolunteerTask:
    require(actor, Perm.VIEW_VOLUNTEERS)
    t = VolunteerTask.objects.for_scope(scope_of(actor)).select_related("volunteer").filter(pk=pk).first()
    if t is None:
        raise NotFound(_("No such task in your scope"))
    return t


def volunteer_hours(*, volunteer: Volunteer, now=None) -> Decimal:
    """Hours served: ended gate shifts where the volunteer's login is staff, plus tasks done."""
    now = now or timezone.now()
    tasks = VolunteerTask.objects.filter(volunteer=volunteer, done=True).aggregate(h=Sum("hours"))["h"] or Decimal(0)
    shift_time = timedelta(0)
    if volunteer.user_id:
        shift_time = Shift.objects.filter(staff=volunteer.user_id, ends_at__lte=now).aggregate(
            t=Sum(ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())))["t"] or timedelta(0)
    return (tasks + Decimal(shift_time.total_seconds()) / 3600).quantize(Decimal("0.1"))


def volunteer_shifts(*, volunteer: Volunteer) -> QuerySet[Shift]:
    if not volunteer.user_id:
        return Shift.objects.none()
    return Shift.objects.filter(staff=volunteer.user_id).select_related("gate").order_by("-starts_at")[:50]


def open_shifts(*, volunteer: Volunteer) -> QuerySet[Shift]:
    """Shifts of the volunteer's community not yet ended, to roster them on."""
    return (Shift.objects.filter(community_id=volunteer.community_id, ends_at__gt=timezone.now())
            .exclude(Q(staff=volunteer.user_id) if volunteer.user_id else Q(pk__in=[]))
            .select_related("gate").order_by("starts_at")[:50])
