"""Volunteers' business rules: sign-up (public), vetting, a login, gate shifts (through the gates' roster
service, so its clash rules apply) and tasks. Every change by the office is audited, field names only."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, Role
from fangkong.accounts.services import audit_record, require, user_create
from fangkong.core import crypto
from fangkong.core.errors import Conflict, FieldError, ValidationErrors
from fangkong.core.identifiers import normalise_phone, parse_resident_id
from fangkong.core.models import protect
from fangkong.gates.models import Shift
from fangkong.gates.services import shift_get, shift_update
from fangkong.registry.models import Community
from fangkong.volunteers.errors import VolunteerCode
from fangkong.volunteers.models import Volunteer, VolunteerTask


@dataclass
class SignUp:
    name: str
    phone: str
    id_number: str
    skills: list[str] = field(default_factory=list)
    skills_text: str = ""
    availability: str = ""
    party_member: bool = False
    veteran: bool = False
    resident_representative: bool = False


def _already() -> FieldError:
    return FieldError("id_number", VolunteerCode.ALREADY_SIGNED_UP,
                      _("You have already signed up as a volunteer here: thank you, the office will contact you."))


def volunteer_signup(*, community: Community, data: SignUp) -> Volunteer:
    """A sign-up from the public page (no actor): every field error at once; the same ID number twice in
    one community is refused kindly (the unique blind index decides, also for two sign-ups at once)."""
    errors: list[FieldError] = []
    name = (data.name or "").strip()
    if not name:
        errors.append(FieldError("name", VolunteerCode.NAME_REQUIRED, _("Please give your name")))
    phone = id_number = ""
    try:
        phone = normalise_phone(data.phone or "")
    except FieldError as exc:
        errors.append(exc)
    try:
        id_number = parse_resident_id(data.id_number or "").number
    except FieldError as exc:
        errors.append(exc)
    if errors:
        raise ValidationErrors(errors)
    if Volunteer.objects.filter(community=community, id_number_hash=crypto.blind_index("id", id_number)).exists():
        raise _already()
    v = Volunteer(community=community, name=name[:64], skills=list(data.skills), skills_text=data.skills_text[:200],
                  availability=data.availability[:200], party_member=data.party_member, veteran=data.veteran,
                  resident_representative=data.resident_representative)
    v.id_number_encrypted, v.id_number_hash, v.id_number_masked = protect("id", id_number, Volunteer, v.row_key)
    v.phone_encrypted, v.phone_hash, v.phone_masked = protect("phone", phone, Volunteer, v.row_key)
    try:
        with transaction.atomic():
            v.save()
            audit_record(actor=None, action="create", object_type="volunteer", object_id=v.pk,
                         community_id=community.pk, fields=["name", "id_number", "phone"], via="public")
    except IntegrityError:
        raise _already() from None
    return v


def _locked(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


@transaction.atomic
def volunteer_accept(*, actor: User, volunteer: Volunteer, via: str = "web") -> Volunteer:
    require(actor, Perm.MANAGE_VOLUNTEERS)
    v = _locked(volunteer)
    if v.status != Volunteer.Status.PENDING:
        raise Conflict(_("This sign-up has already been vetted"), code=VolunteerCode.NOT_PENDING)
    v.status, v.vetted_by, v.vetted_at = Volunteer.Status.ACCEPTED, actor, timezone.now()
    v.save(update_fields=["status", "vetted_by", "vetted_at"])
    audit_record(actor=actor, action="update", object_type="volunteer", object_id=v.pk,
                 community_id=v.community_id, fields=["status"], via=via)
    return v


@transaction.atomic
def volunteer_decline(*, actor: User, volunteer: Volunteer, reason: str, via: str = "web") -> Volunteer:
    require(actor, Perm.MANAGE_VOLUNTEERS)
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", VolunteerCode.REASON_REQUIRED, _("Say why the sign-up is declined"))
    v = _locked(volunteer)
    if v.status != Volunteer.Status.PENDING:
        raise Conflict(_("This sign-up has already been vetted"), code=VolunteerCode.NOT_PENDING)
    v.status, v.decline_reason = Volunteer.Status.DECLINED, reason[:200]
    v.vetted_by, v.vetted_at = actor, timezone.now()
    v.save(update_fields=["status", "decline_reason", "vetted_by", "vetted_at"])
    audit_record(actor=actor, action="update", object_type="volunteer", object_id=v.pk,
                 community_id=v.community_id, fields=["status", "decline_reason"], via=via)
    return v


@transaction.atomic
def volunteer_login_create(*, actor: User, volunteer: Volunteer) -> tuple[User, str]:
    """A login with the volunteer role, scoped to the volunteer's community; returns the user and a
    one-time password to show once (never stored in clear, never logged)."""
    require(actor, Perm.MANAGE_VOLUNTEERS)
    v = _locked(volunteer)
    if v.status != Volunteer.Status.ACCEPTED:
        raise Conflict(_("Only an accepted volunteer gets a login"), code=VolunteerCode.NOT_ACCEPTED)
    if v.user_id:
        raise Conflict(_("This volunteer already has a login"), code=VolunteerCode.HAS_LOGIN)
    password = secrets.token_urlsafe(9)
    base = f"vol{v.community_id}-{v.pk}"
    username = base if not User.objects.filter(username=base).exists() else f"{base}-{secrets.token_hex(2)}"
    user = user_create(username=username, password=password, role=Role.VOLUNTEER, display_name=v.name,
                       communities=[v.community], actor=actor, via="web")
    v.user = user
    v.save(update_fields=["user"])
    audit_record(actor=actor, action="update", object_type="volunteer", object_id=v.pk,
                 community_id=v.community_id, fields=["user"])
    return user, password


@transaction.atomic
def volunteer_shift_assign(*, actor: User, volunteer: Volunteer, shift_pk: int) -> Shift:
    """Put the volunteer's login on a gate shift through gates.shift_update: the roster's rights
    (MANAGE_ROSTER), scope and clash rules apply as for any other staff."""
    if not volunteer.user_id or volunteer.status != Volunteer.Status.ACCEPTED:
        raise Conflict(_("Give the volunteer a login before rostering them"), code=VolunteerCode.NOT_ACCEPTED)
    shift = shift_get(actor=actor, pk=shift_pk)
    if shift.community_id != volunteer.community_id:
        raise FieldError("shift", VolunteerCode.NOT_ACCEPTED, _("The shift is at a gate of another community"))
    staff = list(shift.staff.all())
    if any(u.pk == volunteer.user_id for u in staff):
        return shift
    return shift_update(actor=actor, shift=shift, gate=shift.gate, starts_at=shift.starts_at, ends_at=shift.ends_at,
                        leader=shift.leader, staff=[*staff, volunteer.user])


@transaction.atomic
def task_add(*, actor: User, volunteer: Volunteer, title: str, when: datetime, hours: Decimal) -> VolunteerTask:
    require(actor, Perm.MANAGE_VOLUNTEERS)
    if volunteer.status != Volunteer.Status.ACCEPTED:
        raise Conflict(_("Only an accepted volunteer is given tasks"), code=VolunteerCode.NOT_ACCEPTED)
    errors = []
    if not (title or "").strip():
        errors.append(FieldError("title", "required", _("Give the task a title")))
    if hours is None or hours <= 0 or hours > 24:
        errors.append(FieldError("hours", "invalid", _("Hours are between 0.1 and 24")))
    if errors:
        raise ValidationErrors(errors)
    task = VolunteerTask.objects.create(community_id=volunteer.community_id, volunteer=volunteer, title=title.strip(),
                                        when=when, hours=hours, created_by=actor)
    audit_record(actor=actor, action="create", object_type="volunteer_task", object_id=task.pk,
                 community_id=volunteer.community_id, fields=["title", "when", "hours"])
    return task


@transaction.atomic
def task_done(*, actor: User, task: VolunteerTask) -> VolunteerTask:
    require(actor, Perm.MANAGE_VOLUNTEERS)
    if not task.done:
        task.done = True
        task.save(update_fields=["done"])
        audit_record(actor=actor, action="update", object_type="volunteer_task", object_id=task.pk,
                     community_id=task.community_id, fields=["done"])
    return task
