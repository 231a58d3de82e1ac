"""Returnees: personal report links (landlords, residents, people under observation), reports, and the
office's confirmation, which registers the person if needed, records the journey and, by policy,
starts medical observation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core import crypto
from fangkong.core.dates import local_today
from fangkong.core.errors import Code, FieldError, NotFound, ValidationErrors
from fangkong.core.identifiers import mask_id_number, mask_phone, normalise_phone, parse_resident_id
from fangkong.observation.errors import ObservationCode
from fangkong.observation.models import Observation, ReportLink, ReturneeReport
from fangkong.observation.services import MAX_START_AHEAD, observation_start
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.errors import RegistryCode
from fangkong.registry.models import Household, Membership, Person, Tenancy
from fangkong.registry.services import person_register
from fangkong.registry.validation import PersonData
from fangkong.screening.flags import place_in_key_areas
from fangkong.screening.models import TravelRecord

LINK_DAYS = 90


def _token_hash(token: str) -> str:
    return crypto.blind_index("link", token)


@transaction.atomic
def link_issue(*, actor: User, person: Person, kind: str, days: int = LINK_DAYS) -> tuple[ReportLink, str]:
    """A new personal link for `person` (any earlier one of the same kind stops working). Returns the token."""
    require(actor, Perm.CONFIRM_RETURNEES if kind != ReportLink.Kind.FOLLOWUP else Perm.FOLLOW_UP)
    if not scope_of(actor).covers_grid(person.community_id, person.grid_id):
        raise NotFound(_("No such person in your scope"))
    if kind not in ReportLink.Kind.values:
        raise FieldError("kind", Code.INVALID_CHOICE, _("Unknown kind of link"))
    if kind == ReportLink.Kind.LANDLORD and not Tenancy.objects.filter(landlord=person).exists():
        raise FieldError("person", ObservationCode.NOT_A_LANDLORD, _("The person lets no home in the registry"))
    ReportLink.objects.filter(person=person, kind=kind, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(24)
    link = ReportLink(community_id=person.community_id, person=person, kind=kind, token_hash=_token_hash(token),
                      created_by=actor, expires_on=local_today() + timedelta(days=days))
    link.token_encrypted = crypto.seal(link, "token_encrypted", token)
    link.save(force_insert=True)
    audit_record(actor=actor, action="create", object_type="report_link", object_id=link.pk,
                 community_id=person.community_id, fields=["kind"])
    return link, token


def link_token(*, actor: User, link: ReportLink) -> str:
    """The link's token, to show or print: a credential, so every showing is audited."""
    audit_record(actor=actor, action="reveal", object_type="report_link", object_id=link.pk,
                 community_id=link.community_id, fields=["token"])
    return link.token


def link_resolve(token: str, *, kind: str | None = None) -> ReportLink | None:
    """The live link for `token`, or None: unknown, revoked and expired tokens look the same."""
    if not token or len(token) > 64:
        return None
    link = (ReportLink.objects.filter(token_hash=_token_hash(token), revoked_at__isnull=True)
            .select_related("person", "community").first())
    if link is None or (kind and link.kind != kind) or (link.expires_on and link.expires_on < local_today()):
        return None
    ReportLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link


@transaction.atomic
def link_revoke(*, actor: User, link: ReportLink) -> None:
    require(actor, Perm.CONFIRM_RETURNEES if link.kind != ReportLink.Kind.FOLLOWUP else Perm.FOLLOW_UP)
    if not scope_of(actor).covers_grid(link.person.community_id, link.person.grid_id):
        raise NotFound(_("No such link in your scope"))
    ReportLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=actor, action="update", object_type="report_link", object_id=link.pk,
                 community_id=link.community_id, fields=["revoked_at"])


def landlord_tenancies(link: ReportLink):
    return (Tenancy.objects.filter(landlord=link.person, end_date__isnull=True)
            .select_related("tenant", "household").order_by("household__address", "tenant_id"))


@dataclass
class ReportData:
    from_place: str
    arrival_date: date | None
    transport: str = ""
    address: str = ""
    # Either a registered person, or the details of a new one.
    person_id: int | None = None
    name: str = ""
    id_number: str = ""
    phone: str = ""
    household_id: int | None = None


def _clean(data: ReportData) -> tuple[list[FieldError], str, str]:
    errors: list[FieldError] = []
    data.from_place = (data.from_place or "").strip()[:64]
    if not data.from_place:
        errors.append(FieldError("from_place", Code.REQUIRED, _("Say where the person comes from")))
    today = local_today()
    if data.arrival_date is None:
        errors.append(FieldError("arrival_date", Code.REQUIRED, _("Give the arrival date")))
    elif not today - timedelta(days=60) <= data.arrival_date <= today + MAX_START_AHEAD:
        errors.append(FieldError("arrival_date", Code.OUT_OF_RANGE,
                                 _("The arrival date lies between 60 days ago and 30 days ahead")))
    data.transport = (data.transport or "").strip()[:64]
    data.address = (data.address or "").strip()[:200]
    id_number = phone = ""
    if data.person_id is None:
        data.name = (data.name or "").strip()
        if not data.name or len(data.name) > 64:
            errors.append(FieldError("name", Code.REQUIRED, _("Name is required")))
        try:
            id_number = parse_resident_id(data.id_number or "").number
        except FieldError as e:
            errors.append(e)
    if data.phone:
        try:
            phone = normalise_phone(data.phone)
        except FieldError as e:
            errors.append(e)
    return errors, id_number, phone


def _report(community_id: int, data: ReportData, *, via: str, person: Person | None, household: Household | None,
            id_number: str, phone: str, link: ReportLink | None, attach_registered: bool) -> ReturneeReport:
    if person is not None:
        name, masked, id_hash, id_number = person.name, person.id_number_masked, person.id_number_hash or "", ""
        phone = phone or ""
    else:
        name, masked = data.name, mask_id_number(id_number)
        id_hash = crypto.blind_index("id", id_number)
        # Only the office may tie a typed ID number to a registered person: from a link, anyone could
        # put a neighbour under observation by typing their number. The office decides at confirmation.
        existing = Person.objects.filter(id_number_hash=id_hash).first() if attach_registered else None
        if existing is not None and existing.community_id == community_id:
            person = existing
    household = household or (person.household if person else None)
    report = ReturneeReport(
        community_id=community_id, grid_id=household.grid_id if household else None, household=household,
        person=person, name=name, id_number_hash=id_hash, id_number_masked=masked,
        phone_masked=mask_phone(phone) if phone else "",
        from_place=data.from_place, arrival_date=data.arrival_date, planned=data.arrival_date > local_today(),
        transport=data.transport, address=data.address or (household.address if household else ""), via=via,
        link=link,
    )
    report.id_number_encrypted = crypto.seal(report, "id_number_encrypted", id_number)
    report.phone_encrypted = crypto.seal(report, "phone_encrypted", phone)
    report.save(force_insert=True)
    return report


@transaction.atomic
def report_by_link(*, link: ReportLink, data: ReportData) -> ReturneeReport:
    """A landlord reports a tenant (registered or new in one of their homes); a resident reports themself."""
    if link.kind == ReportLink.Kind.RESIDENT:
        data.person_id = link.person_id
    errors, id_number, phone = _clean(data)
    person = household = None
    if link.kind == ReportLink.Kind.LANDLORD:
        tenancies = list(landlord_tenancies(link))
        # A home stays the landlord's when its tenant leaves: the next tenant is reported into it.
        homes = {t.household_id: t.household for t in Tenancy.objects.filter(landlord=link.person)
                 .select_related("household")}
        if data.person_id is not None:
            match = next((t for t in tenancies if t.tenant_id == data.person_id), None)
            if match is None:
                errors.append(FieldError("person", ObservationCode.NOT_YOUR_TENANT, _("Not one of your tenants")))
            else:
                person, household = match.tenant, match.household
        elif data.household_id not in homes:
            errors.append(FieldError("household", ObservationCode.NOT_YOUR_HOME, _("Choose one of the homes you let")))
        else:
            household = homes[data.household_id]
    elif link.kind == ReportLink.Kind.RESIDENT:
        person, household = link.person, link.person.household
    else:
        raise FieldError("link", ObservationCode.WRONG_LINK, _("This link is not for returnee reports"))
    if errors:
        raise ValidationErrors(errors)
    report = _report(link.community_id, data, via=ReturneeReport.Via.LANDLORD if link.kind == "landlord"
                     else ReturneeReport.Via.SELF, person=person, household=household, id_number=id_number,
                     phone=phone, link=link, attach_registered=False)
    audit_record(actor=None, action="create", object_type="returnee_report", object_id=report.pk,
                 community_id=link.community_id, fields=["name", "id_number", "from_place", "arrival_date"],
                 via="link")
    return report


@transaction.atomic
def report_by_office(*, actor: User, community, data: ReportData, via: str = "web") -> ReturneeReport:
    require(actor, Perm.CONFIRM_RETURNEES)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    errors, id_number, phone = _clean(data)
    person = household = None
    if data.person_id is not None:
        person = Person.objects.filter(pk=data.person_id, community=community).first()
        if person is None:
            errors.append(FieldError("person", Code.NOT_FOUND, _("No such person in this community")))
    if data.household_id is not None:
        household = Household.objects.filter(pk=data.household_id, community=community).first()
        if household is None:
            errors.append(FieldError("household", Code.NOT_FOUND, _("No such household in this community")))
    if errors:
        raise ValidationErrors(errors)
    report = _report(community.id, data, via=ReturneeReport.Via.OFFICE, person=person, household=household,
                     id_number=id_number, phone=phone, link=None, attach_registered=True)
    audit_record(actor=actor, action="create", object_type="returnee_report", object_id=report.pk,
                 community_id=community.id, fields=["name", "id_number", "from_place", "arrival_date"], via=via)
    return report


def starts_observation(report: ReturneeReport) -> bool:
    """Whether policy puts this returnee under observation (from anywhere, only from key areas, or never)."""
    policy = policy_values_cached(community_id=report.community_id, on=report.arrival_date)
    mode = policy["returnee_observation"]
    if mode == "all":
        return True
    if mode == "key_areas":
        return place_in_key_areas(report.from_place, list(policy["key_areas"])) is not None
    return False


def _locked(actor: User, report: ReturneeReport) -> ReturneeReport:
    require(actor, Perm.CONFIRM_RETURNEES)
    report = ReturneeReport.objects.select_for_update().get(pk=report.pk)
    if not scope_of(actor).covers_whole_community(report.community_id):
        raise NotFound(_("No such report in your scope"))
    if report.status != ReturneeReport.Status.PENDING:
        raise FieldError("status", ObservationCode.ALREADY_DECIDED, _("The report has already been decided"))
    return report


@transaction.atomic
def report_confirm(*, actor: User, report: ReturneeReport, household: Household | None = None,
                   via: str = "web") -> ReturneeReport:
    """Confirm: register the person if new, record the journey, and start observation when policy says so."""
    report = _locked(actor, report)
    person = report.person
    if household is not None and household.community_id != report.community_id:
        raise FieldError("household", RegistryCode.HOUSEHOLD_OUTSIDE_COMMUNITY,
                         _("The household belongs to another community"))
    if person is None and Person.objects.filter(id_number_hash=report.id_number_hash).exists():
        raise FieldError("id_number", ObservationCode.ID_NUMBER_REGISTERED,
                         _("This ID number belongs to someone already registered: check the report with the person "
                           "and reject it, or enter it again from the office"))
    if person is None:
        household = household or report.household
        if household is None:
            raise FieldError("household", Code.REQUIRED, _("Choose the household the person lives in"))
        # The landlord who reported the tenant, else whoever lets the home now.
        landlord = report.link.person_id if report.link and report.link.kind == ReportLink.Kind.LANDLORD else None
        landlord = landlord or (Tenancy.objects.filter(household=household).filter(Q(end_date__isnull=True))
                                .values_list("landlord_id", flat=True).first())
        data = PersonData(name=report.name, id_type=Person.IdType.RESIDENT_ID,
                          id_number=report.id_number, phone=report.phone,
                          # As the import does: people from elsewhere are floating population, tenants or not.
                          category=Person.Category.FLOATING)
        person = person_register(actor=actor, data=data, community=household.community, household=household,
                                 relation=Membership.Relation.TENANT if landlord else Membership.Relation.OTHER,
                                 since=min(report.arrival_date, local_today()),
                                 landlord=Person.objects.filter(pk=landlord).first() if landlord else None)
        report.person = person
    TravelRecord.objects.create(
        community_id=person.community_id, grid_id=person.grid_id, person=person, place=report.from_place,
        returned_on=report.arrival_date, transport=report.transport, source=TravelRecord.Source.RETURNEE,
        recorded_by=actor,
    )
    if starts_observation(report):
        active = Observation.objects.filter(person=person, status=Observation.Status.ACTIVE).first()
        report.observation = active or observation_start(
            actor=actor, person=person, kind=Observation.Kind.HOME, start=report.arrival_date,
            reason=str(_("Returned from %(place)s") % {"place": report.from_place}), via=via)
    report.status, report.decided_by, report.decided_at = ReturneeReport.Status.CONFIRMED, actor, timezone.now()
    report.save(update_fields=["person", "status", "decided_by", "decided_at", "observation"])
    audit_record(actor=actor, action="update", object_type="returnee_report", object_id=report.pk,
                 community_id=report.community_id, fields=["status"], via=via)
    return report


@transaction.atomic
def report_reject(*, actor: User, report: ReturneeReport, reason: str, via: str = "web") -> ReturneeReport:
    report = _locked(actor, report)
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", Code.REQUIRED, _("Say why the report is rejected"))
    report.status, report.decided_by, report.decided_at = ReturneeReport.Status.REJECTED, actor, timezone.now()
    report.reject_reason = reason[:200]
    report.save(update_fields=["status", "decided_by", "decided_at", "reject_reason"])
    audit_record(actor=actor, action="update", object_type="returnee_report", object_id=report.pk,
                 community_id=report.community_id, fields=["status", "reject_reason"], via=via)
    return report
