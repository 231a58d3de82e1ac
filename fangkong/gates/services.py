"""Writes at the gate besides scans: incidents (with one-tap revoke and ban), visitors, the roster."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core import crypto
from fangkong.core.errors import FieldError, NotFound, ValidationErrors
from fangkong.core.identifiers import normalise_phone, parse_resident_id
from fangkong.core.models import protect
from fangkong.gates.errors import GateCode, ScanReason
from fangkong.gates.models import Gate, Incident, Scan, Shift, Visitor
from fangkong.gates.scanning import gate_for_scan, is_fever
from fangkong.gates.selectors import uncovered
from fangkong.passes.models import Ban, Pass
from fangkong.passes.services import ban_create, pass_revoke
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.models import Household
from fangkong.workgroup.models import Member


def _gate(actor: User, code: str) -> Gate:
    info = gate_for_scan(actor=actor, code=code)
    return Gate.objects.get(pk=info.id)


@transaction.atomic
def incident_report(
    *, actor: User, gate_code: str, kinds: list[str], description: str, pass_numbers: list[str] = (),
    revoke: bool = False, ban: bool = False, at: datetime | None = None,
) -> Incident:
    """Record an incident; with `revoke` the passes involved are revoked and with `ban` their holders
    barred — both effective at every gate on the next scan."""
    gate = _gate(actor, gate_code)
    bad = [k for k in kinds if k not in Incident.Kind.values]
    if not kinds or bad:
        raise FieldError("kinds", GateCode.INVALID_CHOICE, _("Choose what happened"))
    description = (description or "").strip()
    if not description:
        raise FieldError("description", GateCode.REQUIRED, _("Describe what happened"))
    passes = list(Pass.objects.filter(community_id=gate.community_id, number__in=list(pass_numbers))
                  .select_related("person"))
    if len(passes) != len(set(pass_numbers)):
        raise FieldError("passes", ScanReason.UNKNOWN_PASS, _("No such pass in this community"))
    incident = Incident.objects.create(community_id=gate.community_id, gate=gate, reported_by=actor,
                                       at=at or timezone.now(), kinds=kinds, description=description[:2000])
    incident.passes.set(passes)
    incident.people.set({p.person_id for p in passes})
    reason = _("Incident #%(n)s") % {"n": incident.pk}
    if revoke:
        for p in passes:
            pass_revoke(actor=actor, number=p.number, reason=f"{reason}: {description[:150]}")
        incident.revoked_passes = [p.number for p in passes]
    if ban:
        for p in passes:
            ban_create(actor=actor, community=gate.community, id_number=p.person.id_number,
                       reason=f"{reason}: {description[:150]}")
        incident.banned = bool(passes)
    incident.save(update_fields=["revoked_passes", "banned"])
    audit_record(actor=actor, action="create", object_type="incident", object_id=incident.pk,
                 community_id=gate.community_id, fields=["kinds", "description", "passes"])
    return incident


@transaction.atomic
def visitor_register(
    *, actor: User, gate_code: str, name: str, id_number: str, phone: str, reason: str, temperature: Decimal,
    household: Household | None = None, household_text: str = "", plate: str = "",
) -> Visitor:
    """Register an outsider without a pass; the decision follows policy (bans, fever)."""
    gate = _gate(actor, gate_code)
    errors = []
    name = (name or "").strip()
    if not name:
        errors.append(FieldError("name", GateCode.REQUIRED, _("Name is required")))
    number = ""
    try:
        number = parse_resident_id(id_number).number
    except FieldError as exc:
        errors.append(exc)
    try:
        phone = normalise_phone(phone)
    except FieldError as exc:
        errors.append(exc)
    if not (reason or "").strip():
        errors.append(FieldError("reason", GateCode.REQUIRED, _("Say why they come")))
    if household is not None and household.community_id != gate.community_id:
        errors.append(FieldError("household", GateCode.HOUSEHOLD_OUTSIDE_COMMUNITY, _("No such household here")))
    if not household and not household_text.strip():
        errors.append(FieldError("household", GateCode.REQUIRED, _("Say which household they visit")))
    if errors:
        raise ValidationErrors(errors)
    policy = policy_values_cached(community_id=gate.community_id, on=timezone.localdate())
    digest = crypto.blind_index("id", number)
    reasons = []
    if Ban.objects.filter(community_id=gate.community_id, id_number_hash=digest, lifted_at__isnull=True).exists():
        reasons.append(ScanReason.BANNED)
    if is_fever(Decimal(temperature), policy):
        reasons.append(ScanReason.FEVER)
    row_key = uuid.uuid4()  # made before the insert: the ciphertexts are bound to it
    enc, _h, masked = protect("id", number, Visitor, row_key)
    phone_enc, _ph, phone_masked = protect("phone", phone, Visitor, row_key)
    visitor = Visitor.objects.create(
        community_id=gate.community_id, gate=gate, guard=actor, name=name[:64], row_key=row_key,
        id_number_encrypted=enc, id_number_hash=digest, id_number_masked=masked, phone_encrypted=phone_enc,
        phone_masked=phone_masked, household=household, household_text=household_text[:200],
        reason=reason.strip()[:200], temperature=temperature, plate=plate,
        decision=Scan.Decision.DENY if reasons else Scan.Decision.ALLOW, reasons=reasons,
    )
    audit_record(actor=actor, action="create", object_type="visitor", object_id=visitor.pk,
                 community_id=gate.community_id, fields=["name", "id_number", "phone", "household", "temperature"])
    return visitor


# Who may lead a shift (带班): the committee members of the working group — the party secretary, the
# director and the committee members (两委委员); office staff, grid workers, safety inspectors and
# volunteers stand a shift as staff.
LEADING_POSITIONS = frozenset({Member.Position.SECRETARY, Member.Position.DIRECTOR, Member.Position.COMMITTEE})


@dataclass(frozen=True)
class Clash:
    """One person on two shifts at overlapping times: `shift` is the one being checked or shown, `other`
    the one it collides with; `field` is "leader" or "staff", where the person stands in `shift`."""

    name: str
    field: str
    shift: Shift
    other: Shift | None


def _people(shift_leader: Member, staff) -> list[tuple[str, str, frozenset]]:
    """(field, name, keys) of everyone on a shift. A person is known by their user where they have one and
    the leader also by their working-group member, so a leader whose account stands as staff elsewhere is
    one person."""
    leader_keys = {("m", shift_leader.pk)} | ({("u", shift_leader.user_id)} if shift_leader.user_id else set())
    out = [("leader", shift_leader.name, frozenset(leader_keys))]
    out += [("staff", str(u), frozenset({("u", u.pk)})) for u in staff if u.pk != shift_leader.user_id]
    return out


def _keys(shift: Shift) -> frozenset:
    return frozenset(k for _f, _n, keys in _people(shift.leader, shift.staff.all()) for k in keys)


def _overlapping(starts_at: datetime, ends_at: datetime, members: set[int], users: set[int]):
    """Shifts anywhere that overlap [starts_at, ends_at) — touching ends do not — and hold one of the people."""
    return (Shift.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
            .filter(Q(leader_id__in=members) | Q(leader__user_id__in=users) | Q(staff__in=users))
            .distinct().select_related("gate", "leader").prefetch_related("staff").order_by("starts_at", "pk"))


def shift_clashes(*, shift: Shift, leader: Member, staff, exclude_pk: int | None = None) -> list[Clash]:
    """The people of `shift` (not yet saved, or saved with other values) who are on another shift at an
    overlapping time, at any gate."""
    people = _people(leader, staff)
    members = {k[1] for _f, _n, keys in people for k in keys if k[0] == "m"}
    users = {k[1] for _f, _n, keys in people for k in keys if k[0] == "u"}
    others = _overlapping(shift.starts_at, shift.ends_at, members, users)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clashes = []
    for other in others:
        theirs = _keys(other)
        clashes += [Clash(name, field, shift, other) for field, name, keys in people if keys & theirs]
    return clashes


def span_text(starts_at: datetime, ends_at: datetime) -> str:
    """"12-04 08:00–16:00" in local time; a shift ending at the next midnight ends at 24:00."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if end.date() == start.date():
        return f"{start:%m-%d %H:%M}–{end:%H:%M}"
    if end.date() == start.date() + timedelta(days=1) and end.time() == time.min:
        return f"{start:%m-%d %H:%M}–24:00"
    return f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"


def clash_message(clash: Clash, *, scope) -> str:
    """The clash in words, naming the other gate and its times (the gate of a community outside the
    reader's scope is not named). A clash without `other` is a shift led by no committee member."""
    other = clash.other
    if other is None:
        return leader_message(clash.shift.leader)
    when = span_text(other.starts_at, other.ends_at)
    if scope.covers_community(other.community_id):
        return _("%(name)s is already on duty at %(gate)s, %(when)s") % {
            "name": clash.name, "gate": other.gate.name, "when": when}
    return _("%(name)s is already on duty at a gate of another community, %(when)s") % {
        "name": clash.name, "when": when}


def leader_message(leader: Member) -> str:
    return _("%(name)s is not a committee member (%(position)s): a secretary, director or committee member "
             "leads each shift") % {"name": leader.name, "position": leader.get_position_display()}


def _check_shift(*, actor: User, shift: Shift, leader: Member, staff: list[User], exclude_pk: int | None) -> None:
    """The roster's rules, checked before a shift is saved: every error in words, all at once."""
    if shift.ends_at <= shift.starts_at:
        raise FieldError("ends_at", GateCode.BEFORE_START, _("A shift ends after it starts"))
    if leader.community_id != shift.gate.community_id:
        raise FieldError("leader", GateCode.OTHER_COMMUNITY, _("The leader belongs to another community"))
    # The people's rows are locked in a fixed order, so two managers rostering the same person at the
    # same time at two gates cannot both pass the check.
    Member.objects.select_for_update().filter(pk=leader.pk).order_by("pk").exists()
    users = sorted({u.pk for u in staff} | ({leader.user_id} if leader.user_id else set()))
    list(User.objects.select_for_update().filter(pk__in=users).order_by("pk").values_list("pk", flat=True))
    errors = []
    if leader.position not in LEADING_POSITIONS:
        errors.append(FieldError("leader", GateCode.NOT_COMMITTEE, leader_message(leader)))
    scope = scope_of(actor)
    errors += [FieldError(c.field, GateCode.DOUBLE_BOOKED, clash_message(c, scope=scope))
               for c in shift_clashes(shift=shift, leader=leader, staff=staff, exclude_pk=exclude_pk)]
    if errors:
        raise ValidationErrors(errors)


def _require_roster(actor: User, community_id: int) -> None:
    require(actor, Perm.MANAGE_ROSTER)
    if not scope_of(actor).covers_whole_community(community_id):
        raise NotFound(_("No such gate in your scope"))


def shift_get(*, actor: User, pk: int) -> Shift:
    """A shift the actor may change: Perm.MANAGE_ROSTER over its whole community; else NotFound."""
    require(actor, Perm.MANAGE_ROSTER)
    shift = (Shift.objects.filter(pk=pk).select_related("gate", "gate__community", "leader")
             .prefetch_related("staff").first())
    if shift is None or not scope_of(actor).covers_whole_community(shift.community_id):
        raise NotFound(_("No such shift in your scope"))
    return shift


@transaction.atomic
def shift_add(*, actor: User, gate: Gate, starts_at: datetime, ends_at: datetime, leader: Member,
              staff: list[User] = ()) -> Shift:
    """Add a shift; refused with every error in words if someone on it is on duty elsewhere at the same
    time, or if its leader is no committee member."""
    _require_roster(actor, gate.community_id)
    staff = list(staff)
    shift = Shift(community_id=gate.community_id, gate=gate, starts_at=starts_at, ends_at=ends_at, leader=leader)
    _check_shift(actor=actor, shift=shift, leader=leader, staff=staff, exclude_pk=None)
    shift.save()
    shift.staff.set(staff)
    audit_record(actor=actor, action="create", object_type="shift", object_id=shift.pk,
                 community_id=gate.community_id, fields=["gate", "starts_at", "ends_at", "leader", "staff"])
    return shift


@transaction.atomic
def shift_update(*, actor: User, shift: Shift, gate: Gate, starts_at: datetime, ends_at: datetime, leader: Member,
                 staff: list[User] = ()) -> Shift:
    """Change a shift (its gate too, within the actor's communities) under the same rules as `shift_add`."""
    shift = shift_get(actor=actor, pk=shift.pk)
    _require_roster(actor, gate.community_id)
    staff = list(staff)
    before = {"gate": shift.gate_id, "starts_at": shift.starts_at, "ends_at": shift.ends_at,
              "leader": shift.leader_id, "staff": {u.pk for u in shift.staff.all()}}
    shift.gate, shift.community_id, shift.starts_at, shift.ends_at, shift.leader = (
        gate, gate.community_id, starts_at, ends_at, leader)
    _check_shift(actor=actor, shift=shift, leader=leader, staff=staff, exclude_pk=shift.pk)
    after = {"gate": gate.pk, "starts_at": starts_at, "ends_at": ends_at, "leader": leader.pk,
             "staff": {u.pk for u in staff}}
    changed = [f for f in before if before[f] != after[f]]
    if changed:
        shift.save()
        shift.staff.set(staff)
        audit_record(actor=actor, action="update", object_type="shift", object_id=shift.pk,
                     community_id=gate.community_id, fields=changed)
    return shift


@transaction.atomic
def shift_delete(*, actor: User, shift: Shift) -> None:
    shift = shift_get(actor=actor, pk=shift.pk)
    audit_record(actor=actor, action="delete", object_type="shift", object_id=shift.pk,
                 community_id=shift.community_id, fields=["gate", "starts_at", "ends_at", "leader", "staff"])
    shift.delete()


def roster_conflicts(*, shifts: list[Shift]) -> dict[int, list[Clash]]:
    """The clashes of saved shifts (made before these rules, imported, or by the demo), by shift id: every
    person on one of `shifts` who is on another shift, anywhere, at an overlapping time, and every shift
    led by someone who is no committee member (a clash with itself, `other` None, field "leader")."""
    found: dict[int, list[Clash]] = {}
    if not shifts:
        return found
    people = {s.pk: _people(s.leader, s.staff.all()) for s in shifts}
    members = {k[1] for p in people.values() for _f, _n, keys in p for k in keys if k[0] == "m"}
    users = {k[1] for p in people.values() for _f, _n, keys in p for k in keys if k[0] == "u"}
    start, end = min(s.starts_at for s in shifts), max(s.ends_at for s in shifts)
    others = list(_overlapping(start, end, members, users))
    for s in shifts:
        clashes = found.setdefault(s.pk, [])
        if s.leader.position not in LEADING_POSITIONS:
            clashes.append(Clash(s.leader.name, "leader", s, None))
        for other in others:
            if other.pk == s.pk or not (other.starts_at < s.ends_at and s.starts_at < other.ends_at):
                continue
            theirs = _keys(other)
            clashes += [Clash(name, field, s, other) for field, name, keys in people[s.pk] if keys & theirs]
    return {pk: c for pk, c in found.items() if c}


def roster_gaps(*, gate: Gate, start: datetime, hours: int = 48) -> list[tuple[datetime, datetime]]:
    """Uncovered stretches of the next `hours` at a gate (a gate is staffed 24 h)."""
    end = start + timedelta(hours=hours)
    return uncovered(Shift.objects.filter(gate=gate, ends_at__gt=start, starts_at__lt=end), start, end)
