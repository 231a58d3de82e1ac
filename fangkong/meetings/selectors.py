"""Reads of the meetings app, shared by the pages, the API and the dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import NotFound
from fangkong.meetings.models import ActionItem, Attendance, Briefing, Meeting, Plan, PlanVersion


def actions_due(*, community_ids: Iterable[int], day: date) -> dict[int, dict]:
    """Per community: open action items, those due on `day` and those overdue (due before `day`, not done).
    One aggregate query; communities without open items are reported with zeros."""
    ids = list(community_ids)
    result = {cid: {"open": 0, "due_today": 0, "overdue": 0} for cid in ids}
    rows = (ActionItem.objects.filter(community_id__in=ids, done=False)
            .values("community_id")
            .annotate(open=Count("id"), due_today=Count("id", filter=Q(due=day)),
                      overdue=Count("id", filter=Q(due__lt=day)))
            .order_by())
    for row in rows:
        result[row["community_id"]] = {"open": row["open"], "due_today": row["due_today"],
                                       "overdue": row["overdue"]}
    return result


# --- scoped reads for pages and the API ----------------------------------------------------------------

def _visible(actor: User) -> Q:
    scope = scope_of(actor)
    return Q() if scope.is_all else Q(community_id__in=scope.visible_community_ids)


def _not_found() -> NotFound:
    return NotFound(_("No such item in your scope"))


def briefing_get(*, actor: User, pk: int) -> Briefing:
    require(actor, Perm.VIEW_MEETINGS)
    briefing = Briefing.objects.filter(_visible(actor), pk=pk).select_related("community", "minutes_by").first()
    if briefing is None:
        raise _not_found()
    return briefing


def briefing_actions(*, briefings: Iterable[Briefing]) -> dict[int, list[ActionItem]]:
    """The action items of each briefing, by briefing id (one query)."""
    out: dict[int, list[ActionItem]] = {b.pk: [] for b in briefings}
    for item in ActionItem.objects.filter(briefing_id__in=out).select_related("owner").order_by("done", "due", "id"):
        out[item.briefing_id].append(item)
    return out


def action_get(*, actor: User, pk: int) -> ActionItem:
    require(actor, Perm.VIEW_MEETINGS)
    item = ActionItem.objects.filter(_visible(actor), pk=pk).select_related("owner", "community").first()
    if item is None:
        raise _not_found()
    return item


def actions_open(*, actor: User, limit: int = 500, open_only: bool = True) -> list[ActionItem]:
    """The open action items in scope (all, done ones after, with open_only=False), the actor's own first,
    then by due date (none last); bounded."""
    require(actor, Perm.VIEW_MEETINGS)
    items = ActionItem.objects.filter(_visible(actor))
    if open_only:
        items = items.filter(done=False)
    return list(items
                .select_related("owner", "community")
                .annotate(mine=Case(When(owner_id=actor.pk, then=Value(0)), default=Value(1)))
                .order_by("done", "mine", F("due").asc(nulls_last=True), "id")[:limit])


def meeting_list(*, actor: User) -> QuerySet[Meeting]:
    require(actor, Perm.VIEW_MEETINGS)
    return (Meeting.objects.filter(_visible(actor)).select_related("community")
            .annotate(invited=Count("attendance", distinct=True),
                      present=Count("attendance", filter=Q(attendance__present=True), distinct=True)))


def meeting_get(*, actor: User, pk: int) -> Meeting:
    require(actor, Perm.VIEW_MEETINGS)
    meeting = Meeting.objects.filter(_visible(actor), pk=pk).select_related("community", "created_by").first()
    if meeting is None:
        raise _not_found()
    return meeting


def attendance_get(*, actor: User, pk: int) -> Attendance:
    require(actor, Perm.VIEW_MEETINGS)
    scope = scope_of(actor)
    rows = Attendance.objects.select_related("meeting")
    if not scope.is_all:
        rows = rows.filter(meeting__community_id__in=scope.visible_community_ids)
    row = rows.filter(pk=pk).first()
    if row is None:
        raise _not_found()
    return row


def absent_landlords(*, actor: User, community_id: int | None = None) -> QuerySet[Attendance]:
    """Landlords absent from a landlords' meeting and not yet followed up: the follow-up list."""
    require(actor, Perm.VIEW_MEETINGS)
    scope = scope_of(actor)
    rows = Attendance.objects.filter(meeting__kind=Meeting.Kind.LANDLORDS, person__isnull=False, present=False,
                                     followed_up_at__isnull=True)
    if not scope.is_all:
        rows = rows.filter(meeting__community_id__in=scope.visible_community_ids)
    if community_id is not None:
        rows = rows.filter(meeting__community_id=community_id)
    return rows.select_related("meeting", "meeting__community").order_by("-meeting__held_at", "name", "id")


def plan_list(*, actor: User, community_id: int | None = None) -> QuerySet[Plan]:
    require(actor, Perm.VIEW_MEETINGS)
    plans = Plan.objects.filter(_visible(actor))
    if community_id is not None:
        plans = plans.filter(community_id=community_id)
    return (plans.select_related("community")
            .annotate(latest=Max("versions__version"), updated_at=Max("versions__created_at"))
            .order_by("community__code", "kind"))


def plan_get(*, actor: User, pk: int) -> Plan:
    require(actor, Perm.VIEW_MEETINGS)
    plan = Plan.objects.filter(_visible(actor), pk=pk).select_related("community").first()
    if plan is None:
        raise _not_found()
    return plan


def plan_versions(*, plan: Plan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("created_by").order_by("-version")
