"""Reads of the gate register, scoped to the actor, with health information only for those who may see it.

Who went in and out is for roles on gate or health duty (`Perm.VIEW_SCANS`); a scan's temperature and
the health reasons it was refused for are health information (`Perm.VIEW_HEALTH`, docs/permissions.md).
Others read `temperature` as None and, in place of `fever` or `under_observation`, one `health_check`:
the scan was refused for a health reason, and which one is not theirs to know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import NotFound
from fangkong.core.paging import Key
from fangkong.gates.errors import ScanReason
from fangkong.gates.models import Gate, Scan, Shift

# Reasons that say something about a person's health: shown as HEALTH_CHECK to other readers.
HEALTH_REASONS = frozenset({ScanReason.FEVER, ScanReason.UNDER_OBSERVATION})


@dataclass(frozen=True)
class ScanHealth:
    """What a reader may see of a scan's health information."""

    temperature: Decimal | None
    reasons: list[str]


def can_see_health(actor: User) -> bool:
    return role_can(actor.role, Perm.VIEW_HEALTH)


def reasons_for(reasons: list[str], *, health: bool) -> list[str]:
    """The reasons as a reader sees them: without `health`, the health reasons become one `health_check`
    in the place of the first."""
    if health:
        return list(reasons)
    out: list[str] = []
    for r in reasons:
        r = ScanReason.HEALTH_CHECK if r in HEALTH_REASONS else r
        if r not in out:
            out.append(r)
    return out


def scan_health(scan: Scan, *, health: bool) -> ScanHealth:
    return ScanHealth(scan.temperature if health else None, reasons_for(scan.reasons, health=health))


def scan_made_between(start: datetime, end: datetime) -> Q:
    """Scans made in [start, end): an offline scan by the device's time (`scanned_at`), not its upload (`at`),
    so reports and counts put it on the day it happened."""
    return Q(scanned_at__isnull=True, at__gte=start, at__lt=end) | Q(scanned_at__gte=start, scanned_at__lt=end)


def gate_list(*, actor: User) -> QuerySet[Gate]:
    """The gates in the actor's scope, by community and code (the gate page and `GET /api/v1/gates`)."""
    return Gate.objects.for_scope(scope_of(actor)).select_related("community").order_by("community__code", "code")


# The scan list's order, newest first, by key (`core.paging`): served by the (scope, at, id) indexes.
SCAN_ORDER = (Key("k_at", F("at"), datetime), Key("pk", F("pk")))


def scan_list(*, actor: User, pass_number: str | None = None, gate: str | None = None,
              since: datetime | None = None, until: datetime | None = None) -> QuerySet[Scan]:
    """Recorded scans in the actor's scope, newest first; present each with `scan_health`."""
    require(actor, Perm.VIEW_SCANS)
    qs = Scan.objects.for_scope(scope_of(actor)).select_related("gate", "pass_ref")
    if pass_number:
        qs = qs.filter(pass_ref__number=pass_number)
    if gate:  # the code is unique: its id, looked up first, lets the planner read the (gate, at, id) index
        qs = qs.filter(gate_id=Gate.objects.filter(code=gate).values_list("id", flat=True).first() or 0)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-at", "-id")


def gate_on_duty(*, actor: User, at: datetime | None = None) -> Gate | None:
    """The gate where the actor is on duty now (`at`): a shift that has begun and not ended, with the actor
    among its staff or as its leader (a working-group member linked to the user), at a gate the actor may
    scan at. When shifts overlap, the one that began last; None off duty or without `Perm.SCAN`."""
    if not role_can(actor.role, Perm.SCAN):
        return None
    at = at or timezone.now()
    shift = (Shift.objects.for_scope(scope_of(actor))
             .filter(starts_at__lte=at, ends_at__gt=at)
             .filter(Q(staff=actor) | Q(leader__user=actor))
             .select_related("gate").order_by("-starts_at", "-id").first())
    return shift.gate if shift else None


# The roster's week grid (gates:roster_week): one gate, Monday to Sunday, every shift that touches a day
# and the stretches nobody covers.

@dataclass(frozen=True)
class RosterDay:
    day: date
    is_today: bool
    shifts: list  # list[Shift] that overlap the day, by start
    gaps: list[tuple[datetime, datetime]]  # uncovered stretches within the day


def uncovered(shifts, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end) that no shift covers (a gate is staffed around the clock)."""
    gaps, cursor = [], start
    for s in sorted(shifts, key=lambda s: s.starts_at):
        if s.ends_at <= start or s.starts_at >= end:
            continue
        if s.starts_at > cursor:
            gaps.append((cursor, s.starts_at))
        cursor = max(cursor, s.ends_at)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def roster_gate(*, actor: User, code: str) -> Gate:
    """A gate of the actor's communities, for the roster (Perm.VIEW_WORKGROUP); else NotFound."""
    require(actor, Perm.VIEW_WORKGROUP)
    gate = Gate.objects.for_scope(scope_of(actor)).select_related("community").filter(code=code).first()
    if gate is None:
        raise NotFound(_("No such gate in your scope"))
    return gate


def roster_week(*, gate: Gate, monday: date) -> tuple[list[RosterDay], list[Shift]]:
    """The seven days from `monday` at `gate`, and the week's shifts (each once, for the conflict check)."""
    start, end = _midnight(monday), _midnight(monday + timedelta(days=7))
    shifts = list(Shift.objects.filter(gate=gate, ends_at__gt=start, starts_at__lt=end)
                  .select_related("leader").prefetch_related("staff").order_by("starts_at", "pk"))
    today = timezone.localdate()
    days = []
    for i in range(7):
        d = monday + timedelta(days=i)
        d0, d1 = _midnight(d), _midnight(d + timedelta(days=1))
        days.append(RosterDay(day=d, is_today=d == today,
                              shifts=[s for s in shifts if s.starts_at < d1 and s.ends_at > d0],
                              gaps=uncovered(shifts, d0, d1)))
    return days, shifts


# --- conflicts of offline scans -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictScan:
    id: int
    gate: str
    direction: str
    decision: str
    reasons: list[str]
    device_decision: str
    device_reasons: list[str]
    at: datetime
    scanned_at: datetime | None
    pass_number: str | None
    guard: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Conflict:
    """An offline scan a device allowed and the server refused, with what it conflicts with: for a second
    exit, the pass's other allowed exits that day; for a revoked pass, when it was revoked."""

    scan: ConflictScan
    others: list[ConflictScan]
    revoked_at: datetime | None

    def as_dict(self) -> dict:
        return {**self.scan.as_dict(), "others": [o.as_dict() for o in self.others], "revoked_at": self.revoked_at}


def _conflict_scan(s: Scan, health: bool) -> ConflictScan:
    return ConflictScan(
        id=s.id, gate=s.gate.code, direction=s.direction, decision=s.decision,
        reasons=reasons_for(s.reasons, health=health), device_decision=s.device_decision,
        device_reasons=reasons_for(s.device_reasons or [], health=health), at=s.at, scanned_at=s.scanned_at,
        pass_number=s.pass_ref.number if s.pass_ref else None, guard=str(s.guard) if s.guard else "")


def _day_bounds(when: datetime) -> tuple[datetime, datetime]:
    day = timezone.localdate(when)
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def conflict_list(*, actor: User, limit: int = 50, offset: int = 0) -> list[Conflict]:
    """Conflicts in the actor's scope, newest first: one rule for the conflicts page and the API."""
    from django.db.models.functions import Coalesce

    require(actor, Perm.VIEW_SCANS)
    health = can_see_health(actor)
    scope = scope_of(actor)
    rows = list(Scan.objects.for_scope(scope).filter(conflict=True).select_related("gate", "pass_ref", "guard")
                .order_by("-at", "-id")[offset:offset + limit])
    out = []
    for s in rows:
        others: list[Scan] = []
        if ScanReason.EXIT_QUOTA_REACHED in s.reasons and s.pass_ref_id:
            start, end = _day_bounds(s.scanned_at or s.at)
            others = list(Scan.objects.for_scope(scope).filter(
                pass_ref_id=s.pass_ref_id, direction=Scan.Direction.OUT, decision=Scan.Decision.ALLOW)
                .annotate(when=Coalesce("scanned_at", "at")).filter(when__gte=start, when__lt=end)
                .exclude(pk=s.pk).select_related("gate", "pass_ref", "guard").order_by("when", "id"))
        revoked = s.pass_ref.revoked_at if s.pass_ref and ScanReason.PASS_REVOKED in s.reasons else None
        out.append(Conflict(_conflict_scan(s, health), [_conflict_scan(o, health) for o in others], revoked))
    return out
