"""Writes of the meetings app: briefings generated and their minutes, action items, meetings and their
attendance, plan versions. Every write is audited in its own transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.dates import client_date, local_today
from fangkong.core.errors import Code, FieldError, PermissionDenied
from fangkong.meetings.errors import MeetingsCode
from fangkong.meetings.facts import briefing_facts
from fangkong.meetings.models import ActionItem, Attendance, Briefing, Meeting, Plan, PlanVersion
from fangkong.meetings.periods import EVENING, MORNING, briefing_period
from fangkong.registry.models import Community, Tenancy
from fangkong.workgroup.models import Member

TEXT_LIMIT = 500


# --- briefings ------------------------------------------------------------------------------------------

def briefing_get_or_generate(*, actor: User, community: Community, day: date, kind: str) -> Briefing:
    """The briefing of `community`'s `day`, generated on first request. While its period runs the facts
    are computed again on each read; once the period has ended and facts were computed after it, they stay.
    The caller has scoped `community`."""
    require(actor, Perm.VIEW_MEETINGS)
    client_date(day, field="date")
    if day > local_today():
        raise FieldError("date", Code.IN_FUTURE, _("This day lies in the future"))
    briefing = Briefing.objects.filter(community=community, date=day, kind=kind).first()
    now = timezone.now()
    if briefing is not None and briefing.facts_at >= briefing.period_end:
        return briefing  # frozen
    start, end = briefing_period(community_id=community.id, day=day, kind=kind)
    facts = briefing_facts(community=community, day=day, start=start, end=end)
    if briefing is None:
        try:
            with transaction.atomic():
                return Briefing.objects.create(community=community, date=day, kind=kind, period_start=start,
                                               period_end=end, facts=facts, facts_at=now)
        except IntegrityError:  # generated at the same moment by another request
            briefing = Briefing.objects.get(community=community, date=day, kind=kind)
    Briefing.objects.filter(pk=briefing.pk, facts_at__lt=F("period_end")).update(facts=facts, facts_at=now)
    briefing.refresh_from_db()
    return briefing


def briefings_of_day(*, actor: User, community: Community, day: date) -> list[Briefing]:
    return [briefing_get_or_generate(actor=actor, community=community, day=day, kind=k) for k in (MORNING, EVENING)]


@transaction.atomic
def briefing_minutes_set(*, actor: User, briefing: Briefing, minutes: str, via: str = "web") -> Briefing:
    require(actor, Perm.EDIT_MEETINGS)
    minutes = (minutes or "").strip()
    if len(minutes) > 10000:
        raise FieldError("minutes", Code.TOO_LONG, _("At most 10,000 characters"))
    briefing.minutes, briefing.minutes_by, briefing.minutes_at = minutes, actor, timezone.now()
    briefing.save(update_fields=["minutes", "minutes_by", "minutes_at"])
    audit_record(actor=actor, action="update", object_type="briefing", object_id=briefing.pk,
                 community_id=briefing.community_id, fields=["minutes"], via=via)
    return briefing


# --- action items ---------------------------------------------------------------------------------------

def owner_find(*, community_id: int, username: str | None) -> User | None:
    """An action's owner: an active user whose scope covers the community (a grid worker of one of its
    grids included); None when no username is given."""
    username = (username or "").strip()
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not scope_of(user).covers_community(community_id):
        raise FieldError("owner", MeetingsCode.UNKNOWN_OWNER, _("No such user in this community"))
    return user


@transaction.atomic
def action_add(*, actor: User, briefing: Briefing | None = None, meeting: Meeting | None = None, text: str,
               owner: str | User | None = None, due: date | None = None, via: str = "web") -> ActionItem:
    require(actor, Perm.EDIT_MEETINGS)
    source = briefing or meeting
    if source is None:
        raise FieldError("briefing", Code.REQUIRED, _("An action item belongs to a briefing or a meeting"))
    text = (text or "").strip()
    if not text:
        raise FieldError("text", MeetingsCode.EMPTY_TEXT, _("Say what is to be done"))
    if len(text) > TEXT_LIMIT:
        raise FieldError("text", Code.TOO_LONG, _("At most 500 characters"))
    client_date(due, field="due")
    if isinstance(owner, User):
        owner = owner.username
    owner_user = owner_find(community_id=source.community_id, username=owner)
    item = ActionItem.objects.create(community_id=source.community_id, briefing=briefing, meeting=meeting,
                                     text=text, owner=owner_user, due=due, created_by=actor)
    audit_record(actor=actor, action="create", object_type="action_item", object_id=item.pk,
                 community_id=item.community_id, fields=["text", "owner", "due"], via=via)
    return item


def action_may_tick(*, actor: User, action: ActionItem) -> bool:
    return role_can(actor.role, Perm.EDIT_MEETINGS) or (action.owner_id is not None and action.owner_id == actor.pk)


@transaction.atomic
def action_done(*, actor: User, action: ActionItem, done: bool = True, via: str = "web") -> ActionItem:
    """Tick (or untick) an action item: the working group's editors, or the action's owner."""
    if not action_may_tick(actor=actor, action=action):
        raise PermissionDenied(_("Only the working group's editors or the action's owner may tick it"))
    action.done = done
    action.done_at, action.done_by = (timezone.now(), actor) if done else (None, None)
    action.save(update_fields=["done", "done_at", "done_by"])
    audit_record(actor=actor, action="update", object_type="action_item", object_id=action.pk,
                 community_id=action.community_id, fields=["done"], via=via)
    return action


# --- meetings -------------------------------------------------------------------------------------------

MEETING_FIELDS = ("title", "held_at", "place", "agenda", "decisions", "minutes")


def _meeting_clean(data: dict) -> dict:
    title = (data.get("title") or "").strip()
    if not title:
        raise FieldError("title", Code.REQUIRED, _("A meeting needs a title"))
    if data.get("held_at") is None:
        raise FieldError("held_at", Code.REQUIRED, _("When is the meeting held?"))
    client_date(data["held_at"], field="held_at")
    return {**data, "title": title[:200]}


@transaction.atomic
def meeting_create(*, actor: User, community: Community, kind: str, title: str, held_at: datetime, place: str = "",
                   agenda: str = "", decisions: str = "", minutes: str = "", via: str = "web") -> Meeting:
    require(actor, Perm.EDIT_MEETINGS)
    if kind not in Meeting.Kind.values:
        raise FieldError("kind", Code.INVALID_CHOICE, _("No such kind of meeting"))
    data = _meeting_clean({"title": title, "held_at": held_at, "place": place, "agenda": agenda,
                           "decisions": decisions, "minutes": minutes})
    meeting = Meeting.objects.create(community=community, kind=kind, created_by=actor, **data)
    audit_record(actor=actor, action="create", object_type="meeting", object_id=meeting.pk,
                 community_id=community.id, fields=["kind", *data], via=via)
    if kind == Meeting.Kind.LANDLORDS:
        attendance_invite_landlords(actor=actor, meeting=meeting)
    elif kind == Meeting.Kind.DEPLOYMENT:
        attendance_invite_members(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, via: str = "web", **changes) -> Meeting:
    require(actor, Perm.EDIT_MEETINGS)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"not meeting fields: {sorted(unknown)}")
    data = _meeting_clean({**{f: getattr(meeting, f) for f in MEETING_FIELDS}, **changes})
    for field, value in data.items():
        setattr(meeting, field, value)
    meeting.save(update_fields=list(MEETING_FIELDS))
    audit_record(actor=actor, action="update", object_type="meeting", object_id=meeting.pk,
                 community_id=meeting.community_id, fields=list(changes), via=via)
    return meeting


@transaction.atomic
def attendance_invite_landlords(*, actor: User, meeting: Meeting) -> int:
    """Every landlord of the community (distinct persons with an open tenancy) on the attendance list;
    those already on it stay as they are. Returns how many were added."""
    require(actor, Perm.EDIT_MEETINGS)
    landlords = (Tenancy.objects.filter(community_id=meeting.community_id, end_date__isnull=True,
                                        landlord__purged_at__isnull=True)
                 .exclude(landlord_id__in=meeting.attendance.filter(person__isnull=False).values("person_id"))
                 .values_list("landlord_id", "landlord__name").distinct().order_by("landlord__name"))
    rows = [Attendance(meeting=meeting, person_id=pid, name=name) for pid, name in landlords]
    Attendance.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def attendance_invite_members(*, actor: User, meeting: Meeting) -> int:
    """The community's working-group members on the attendance list (those already on it stay)."""
    require(actor, Perm.EDIT_MEETINGS)
    members = (Member.objects.filter(community_id=meeting.community_id)
               .exclude(id__in=meeting.attendance.filter(member__isnull=False).values("member_id"))
               .values_list("id", "name").order_by("group_id", "order", "id"))
    rows = [Attendance(meeting=meeting, member_id=mid, name=name) for mid, name in members]
    Attendance.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def attendance_mark(*, actor: User, attendance: Attendance, present: bool, via: str = "web") -> Attendance:
    require(actor, Perm.EDIT_MEETINGS)
    attendance.present = present
    attendance.save(update_fields=["present"])
    audit_record(actor=actor, action="update", object_type="attendance", object_id=attendance.pk,
                 community_id=attendance.meeting.community_id, fields=["present"], via=via)
    return attendance


@transaction.atomic
def attendance_follow_up(*, actor: User, attendance: Attendance, note: str = "", via: str = "web") -> Attendance:
    """An absent landlord reached afterwards (by phone, at the door): off the follow-up list."""
    require(actor, Perm.EDIT_MEETINGS)
    attendance.followed_up_at, attendance.followed_up_by = timezone.now(), actor
    attendance.note = (note or attendance.note).strip()[:200]
    attendance.save(update_fields=["followed_up_at", "followed_up_by", "note"])
    audit_record(actor=actor, action="update", object_type="attendance", object_id=attendance.pk,
                 community_id=attendance.meeting.community_id, fields=["followed_up_at", "note"], via=via)
    return attendance


# --- plans ----------------------------------------------------------------------------------------------

PLAN_TITLES = {Plan.Kind.WORK: _("Working plan"), Plan.Kind.EMERGENCY: _("Emergency plan")}


@transaction.atomic
def plan_version_add(*, actor: User, community: Community, kind: str, body: str, note: str = "",
                     title: str | None = None, via: str = "web") -> PlanVersion:
    """A new version (n + 1) of the community's plan of `kind`, by `actor`, now. The plan row is locked
    so two editors saving at once get n + 1 and n + 2."""
    require(actor, Perm.EDIT_PLANS)
    if kind not in Plan.Kind.values:
        raise FieldError("kind", MeetingsCode.WRONG_KIND, _("No such kind of plan"))
    body = (body or "").strip()
    if not body:
        raise FieldError("body", MeetingsCode.EMPTY_PLAN, _("The plan has no text"))
    if len(body) > 100000:
        raise FieldError("body", Code.TOO_LONG, _("At most 100,000 characters"))
    title = (title or "").strip()[:200]
    plan, _created = Plan.objects.get_or_create(community=community, kind=kind,
                                                defaults={"title": title or str(PLAN_TITLES[kind])})
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if title and title != plan.title:
        plan.title = title
        plan.save(update_fields=["title"])
    latest = plan.versions.aggregate(n=Max("version"))["n"] or 0
    version = PlanVersion.objects.create(plan=plan, version=latest + 1, body=body, note=(note or "").strip()[:300],
                                         created_by=actor)
    audit_record(actor=actor, action="create", object_type="plan_version", object_id=version.pk,
                 community_id=community.id, fields=["body", "note"], via=via)
    return version
