"""Writes for screening: rounds, visits (with people found on the spot) and travel records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, Role
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.dates import client_instant
from fangkong.core.errors import Code, FieldError, NotFound, ValidationErrors
from fangkong.core.health import parse_symptoms, parse_temperature
from fangkong.registry.errors import RegistryCode
from fangkong.registry.models import Community, Grid, Household, Membership, Person
from fangkong.registry.services import person_register
from fangkong.registry.validation import PersonData
from fangkong.screening.errors import ScreeningCode
from fangkong.screening.models import Round, TravelRecord, Visit, VisitPerson
from fangkong.workgroup.models import HouseholdLiaison


def _check_community(actor: User, community: Community) -> None:
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))


def round_grid_ids(rnd: Round) -> list[int]:
    ids = [g.id for g in rnd.grids.all()]
    return ids or list(Grid.objects.filter(community_id=rnd.community_id).values_list("id", flat=True))


def default_workers(community: Community, grid_ids: list[int]) -> list[User]:
    """The household liaisons of the scope's households and the grid workers of its grids (包联到户)."""
    liaison_users = set(HouseholdLiaison.objects.filter(household__grid_id__in=grid_ids, member__user__isnull=False)
                        .values_list("member__user_id", flat=True))
    grid_users = set(User.objects.filter(role=Role.GRID_WORKER, is_active=True, scope_grants__grid_id__in=grid_ids)
                     .values_list("id", flat=True))
    return list(User.objects.filter(id__in=liaison_users | grid_users).order_by("username"))


@transaction.atomic
def round_create(
    *, actor: User, community: Community, name: str, starts_on: date, deadline: date,
    grids: Iterable[Grid] = (), workers: Iterable[User] | None = None,
) -> Round:
    require(actor, Perm.MANAGE_SCREENING)
    _check_community(actor, community)
    name = (name or "").strip()
    if not name:
        raise FieldError("name", Code.REQUIRED, _("Give the round a name"))
    if deadline < starts_on:
        raise FieldError("deadline", Code.BEFORE_START, _("The deadline cannot be before the start"))
    grids = list(grids)
    if any(g.community_id != community.id for g in grids):
        raise FieldError("grids", RegistryCode.GRID_OUTSIDE_COMMUNITY, _("The grid belongs to another community"))
    rnd = Round.objects.create(community=community, name=name[:64], starts_on=starts_on, deadline=deadline,
                               created_by=actor)
    rnd.grids.set(grids)
    grid_ids = [g.id for g in grids] or list(community.grids.values_list("id", flat=True))
    rnd.workers.set(default_workers(community, grid_ids) if workers is None else list(workers))
    audit_record(actor=actor, action="create", object_type="screening_round", object_id=rnd.pk,
                 community_id=community.id, fields=["name", "grids", "starts_on", "deadline", "workers"])
    return rnd


@transaction.atomic
def round_close(*, actor: User, rnd: Round) -> Round:
    require(actor, Perm.MANAGE_SCREENING)
    _check_community(actor, rnd.community)
    if rnd.closed_at is None:
        rnd.closed_at = timezone.now()
        rnd.save(update_fields=["closed_at"])
        audit_record(actor=actor, action="update", object_type="screening_round", object_id=rnd.pk,
                     community_id=rnd.community_id, fields=["closed_at"])
    return rnd


@dataclass
class MemberCheck:
    """What was found about one member at the door."""

    person_id: int
    present: bool = True
    temperature: Decimal | str | None = None
    symptoms: list[str] = field(default_factory=list)
    key_area_travel: bool = False
    travel_place: str = ""
    contact: str = ""
    returned_on: date | None = None


@dataclass
class NewPerson:
    """Someone found at the door who is not in the registry (an unregistered tenant, say)."""

    data: PersonData
    relation: str = Membership.Relation.TENANT
    landlord_id: int | None = None
    check: MemberCheck = field(default_factory=lambda: MemberCheck(person_id=0))


def _clean_check(c: MemberCheck, prefix: str) -> MemberCheck:
    errors: list[FieldError] = []
    try:
        c.temperature = parse_temperature(c.temperature, f"{prefix}.temperature", required=False) if c.present else None
    except FieldError as e:
        errors.append(e)
    try:
        c.symptoms = parse_symptoms(c.symptoms, f"{prefix}.symptoms") if c.present else []
    except FieldError as e:
        errors.append(e)
    if c.contact not in TravelRecord.Contact.values:
        errors.append(FieldError(f"{prefix}.contact", Code.INVALID_CHOICE,
                                 _("Use confirmed, suspected or leave empty")))
    c.travel_place = (c.travel_place or "").strip()[:64]
    if c.key_area_travel and not c.travel_place:
        errors.append(FieldError(f"{prefix}.travel_place", Code.REQUIRED, _("Say where the person travelled")))
    if c.returned_on and c.returned_on > timezone.localdate() + timedelta(days=60):
        errors.append(FieldError(f"{prefix}.returned_on", ScreeningCode.TOO_FAR,
                                 _("A return date more than 60 days ahead")))
    if errors:
        raise ValidationErrors(errors)
    return c


def _record_travel(actor: User, person: Person, c: MemberCheck, at: datetime) -> None:
    if not (c.key_area_travel or c.contact or c.travel_place):
        return
    TravelRecord.objects.create(
        community_id=person.community_id, grid_id=person.grid_id, person=person, place=c.travel_place,
        returned_on=c.returned_on or (at.date() if c.key_area_travel else None), contact=c.contact,
        source=TravelRecord.Source.VISIT, recorded_by=actor,
    )


def _replayed(earlier: Visit, actor: User, rnd: Round, household: Household) -> Visit:
    """A retried submission gets the visit it made; a client id reused for anything else is refused."""
    if (earlier.worker_id, earlier.round_id, earlier.household_id) != (actor.id, rnd.id, household.id):
        raise FieldError("client_id", ScreeningCode.CLIENT_ID_TAKEN, _("This client id belongs to another visit"))
    return earlier


@transaction.atomic
def visit_record(
    *, actor: User, rnd: Round, household: Household, outcome: str, at: datetime | None = None,
    checks: Iterable[MemberCheck] = (), new_people: Iterable[NewPerson] = (), handouts: Iterable[str] = (),
    note: str = "", client_id: str | None = None, via: str = "web",
) -> Visit:
    """Record a call at a door. Everything lands or nothing does; a replayed client_id returns the first."""
    require(actor, Perm.SCREEN)
    if not scope_of(actor).covers_grid(household.community_id, household.grid_id):
        raise NotFound(_("No such household in your scope"))
    if client_id:  # the worker's own id only: another's identical id is another visit
        earlier = Visit.objects.filter(worker=actor, client_id=client_id).first()
        if earlier is not None:
            return _replayed(earlier, actor, rnd, household)
    if household.community_id != rnd.community_id or household.grid_id not in round_grid_ids(rnd):
        raise FieldError("household", ScreeningCode.OUTSIDE_ROUND, _("The household is outside this round's grids"))
    if rnd.closed_at is not None:
        raise FieldError("round", ScreeningCode.ROUND_CLOSED, _("The round is closed"))
    if outcome not in Visit.Outcome.values:
        raise FieldError("outcome", Code.INVALID_CHOICE, _("Outcome is seen, nobody_home or refused"))
    at = client_instant(at, field="at")
    if timezone.localtime(at).date() < rnd.starts_on:
        raise FieldError("at", ScreeningCode.BEFORE_ROUND, _("The round had not started then"))
    handouts = list(dict.fromkeys(handouts))
    if set(handouts) - set(Visit.Handout.values):
        raise FieldError("handouts", Code.INVALID_CHOICE, _("Unknown item handed out"))
    checks, new_people = list(checks), list(new_people)
    if outcome != Visit.Outcome.SEEN and (checks or new_people):
        raise FieldError("outcome", ScreeningCode.NOBODY_SEEN, _("Only a visit where people were seen lists them"))
    members = {p.id: p for p in Person.objects.filter(household=household)}
    errors: list[FieldError] = []
    for i, c in enumerate(checks):
        if c.person_id not in members:
            errors.append(FieldError(f"people.{i}.person", ScreeningCode.NOT_MEMBER,
                                     _("Not a member of this household")))
            continue
        try:
            _clean_check(c, f"people.{i}")
        except ValidationErrors as e:
            errors.extend(e.errors)
    if len({c.person_id for c in checks}) != len(checks):
        errors.append(FieldError("people", ScreeningCode.DUPLICATE, _("A person is listed twice")))
    for i, n in enumerate(new_people):
        try:
            _clean_check(n.check, f"new_people.{i}")
        except ValidationErrors as e:
            errors.extend(e.errors)
    if errors:
        raise ValidationErrors(errors)

    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                round=rnd, community_id=household.community_id, grid_id=household.grid_id, household=household,
                worker=actor, at=at, outcome=outcome, handouts=handouts, note=(note or "").strip()[:500],
                client_id=client_id or None,
            )
    except IntegrityError:  # the same client_id raced in from a retry
        return _replayed(Visit.objects.get(worker=actor, client_id=client_id), actor, rnd, household)
    for c in checks:
        person = members[c.person_id]
        VisitPerson.objects.create(visit=visit, person=person, present=c.present, temperature=c.temperature,
                                   symptoms=c.symptoms, key_area_travel=c.key_area_travel, contact=c.contact,
                                   returned_on=c.returned_on)
        _record_travel(actor, person, c, at)
    for i, n in enumerate(new_people):
        landlord = Person.objects.filter(pk=n.landlord_id, community_id=household.community_id).first() \
            if n.landlord_id else None
        try:
            person = person_register(actor=actor, data=n.data, community=household.community, household=household,
                                     relation=n.relation, since=timezone.localtime(at).date(), landlord=landlord)
        except FieldError as e:
            raise ValidationErrors([FieldError(f"new_people.{i}.{e.field}", e.code, e.message)]) from None
        VisitPerson.objects.create(visit=visit, person=person, present=True, temperature=n.check.temperature,
                                   symptoms=n.check.symptoms, key_area_travel=n.check.key_area_travel,
                                   contact=n.check.contact, returned_on=n.check.returned_on, added_on_spot=True)
        _record_travel(actor, person, n.check, at)
    audit_record(actor=actor, action="create", object_type="visit", object_id=visit.pk,
                 community_id=household.community_id, fields=["outcome", "people", "temperature", "travel"], via=via)
    return visit


@transaction.atomic
def travel_record_add(
    *, actor: User, person: Person, place: str = "", left_on: date | None = None, returned_on: date | None = None,
    transport: str = "", contact: str = "", note: str = "", source: str = TravelRecord.Source.OFFICE,
) -> TravelRecord:
    require(actor, Perm.EDIT_REGISTRY)
    if not scope_of(actor).covers_grid(person.community_id, person.grid_id):
        raise NotFound(_("No such person in your scope"))
    place = (place or "").strip()[:64]
    if contact not in TravelRecord.Contact.values:
        raise FieldError("contact", Code.INVALID_CHOICE, _("Use confirmed, suspected or leave empty"))
    if not place and not contact:
        raise FieldError("place", Code.REQUIRED, _("Say where the person was, or whom they met"))
    if left_on and returned_on and returned_on < left_on:
        raise FieldError("returned_on", Code.BEFORE_START, _("The return cannot be before the departure"))
    rec = TravelRecord.objects.create(
        community_id=person.community_id, grid_id=person.grid_id, person=person, place=place, left_on=left_on,
        returned_on=returned_on, transport=(transport or "").strip()[:64], contact=contact,
        note=(note or "").strip()[:200], source=source, recorded_by=actor,
    )
    audit_record(actor=actor, action="create", object_type="travel_record", object_id=rec.pk,
                 community_id=person.community_id, fields=["place", "dates", "contact"])
    return rec
