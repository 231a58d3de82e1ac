"""Writes at the gate besides scans: incidents (with one-tap revoke and ban), visitors, the roster."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
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


@transaction.atomic
def shift_add(*, actor: User, gate: Gate, starts_at: datetime, ends_at: datetime, leader: Member,
              staff: list[User] = ()) -> Shift:
    require(actor, Perm.MANAGE_ROSTER)
    if not scope_of(actor).covers_whole_community(gate.community_id):
        raise NotFound(_("No such gate in your scope"))
    if ends_at <= starts_at:
        raise FieldError("ends_at", GateCode.BEFORE_START, _("A shift ends after it starts"))
    if leader.community_id != gate.community_id:
        raise FieldError("leader", GateCode.OTHER_COMMUNITY, _("The leader belongs to another community"))
    shift = Shift.objects.create(community_id=gate.community_id, gate=gate, starts_at=starts_at, ends_at=ends_at,
                                 leader=leader)
    shift.staff.set(staff)
    audit_record(actor=actor, action="create", object_type="shift", object_id=shift.pk,
                 community_id=gate.community_id, fields=["gate", "starts_at", "ends_at", "leader", "staff"])
    return shift


def roster_gaps(*, gate: Gate, start: datetime, hours: int = 48) -> list[tuple[datetime, datetime]]:
    """Uncovered stretches of the next `hours` at a gate (a gate is staffed 24 h)."""
    end = start + timedelta(hours=hours)
    shifts = Shift.objects.filter(gate=gate, ends_at__gt=start, starts_at__lt=end).order_by("starts_at")
    gaps, cursor = [], start
    for s in shifts:
        if s.starts_at > cursor:
            gaps.append((cursor, s.starts_at))
        cursor = max(cursor, s.ends_at)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps
