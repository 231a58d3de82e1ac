"""Writes for the registry. Every change is scoped to the actor and audited in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core import crypto
from fangkong.core.dates import local_today
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.models import protect
from fangkong.registry.errors import RegistryCode
from fangkong.registry.identifier_search import identifier_search_check, identifier_search_record
from fangkong.registry.models import (
    Building,
    Community,
    District,
    Grid,
    Household,
    Membership,
    Person,
    Street,
    Tag,
    Tenancy,
)
from fangkong.registry.validation import PersonData

PROTECTED_FIELDS = ("id_number", "phone")

# The district every deployment starts from, and the standard tags of a community's registry.
HOME_DISTRICT = ("370212", "崂山区", "青岛市")
HOME_STREET = ("370212005", "中韩街道")
GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格"]
TAGS = [
    ("party_member", "党员", "Party member"),
    ("veteran", "退役军人", "Veteran"),
    ("resident_representative", "居民代表", "Resident representative"),
    ("elderly_alone", "独居老人", "Elderly living alone"),
    ("disabled", "残疾人", "Disabled"),
    ("volunteer", "志愿者", "Volunteer"),
]


def default_retain_until(today: date | None = None) -> date:
    # Read when used, not at import: a deployment (or a test) that sets it later is honoured.
    return (today or local_today()) + timedelta(days=settings.FANGKONG_RETENTION_DAYS)


def tags_ensure() -> None:
    """The standard person tags (party member, veteran…), created once."""
    for code, name, name_en in TAGS:
        Tag.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})


def places_ensure(*, community_code: str, community_name: str, grids: int = 6,
                  street: Street | None = None) -> Community:
    """A community with its numbered grids, under the given street (default 中韩街道, 崂山区): created
    once, found on later calls. For installing, the demo and tests; not scoped to an actor."""
    code, name, city = HOME_DISTRICT
    district, _ = District.objects.get_or_create(code=code, defaults={"name": name, "city": city})
    if street is None:
        street_code, street_name = HOME_STREET
        street, _ = Street.objects.get_or_create(code=street_code, defaults={"district": district,
                                                                              "name": street_name})
    community, _ = Community.objects.get_or_create(
        code=community_code,
        defaults={"street": street, "name": community_name, "address": f"青岛市崂山区{street.name}{community_name}"},
    )
    for n in range(1, grids + 1):
        Grid.objects.get_or_create(community=community, number=n,
                                   defaults={"name": GRID_NAMES[n - 1] if n <= len(GRID_NAMES) else f"第{n}网格"})
    return community


def _check_place(actor: User, community_id: int, grid_id: int | None) -> None:
    if not scope_of(actor).covers_grid(community_id, grid_id):
        raise NotFound(_("No such place in your scope"))


def tags_by_word() -> dict[str, Tag]:
    by_word: dict[str, Tag] = {}
    for tag in Tag.objects.all():
        by_word[tag.code] = by_word[tag.name] = by_word[tag.name_en.lower()] = tag
    return by_word


def _apply_person_data(person: Person, data: PersonData) -> list[str]:
    """Copy validated data onto the row; return the names of the fields that changed."""
    changed = []
    for name in ("name", "sex", "birth_date", "id_type", "category", "workplace"):
        if getattr(person, name) != getattr(data, name):
            setattr(person, name, getattr(data, name))
            changed.append(name)
    new_id_hash = crypto.blind_index("id", data.id_number)
    if person.id_number_hash != new_id_hash:
        person.id_number_encrypted, person.id_number_hash, person.id_number_masked = protect(
            "id", data.id_number, Person, person.row_key)
        changed.append("id_number")
    new_phone_hash = crypto.blind_index("phone", data.phone) if data.phone else None
    if person.phone_hash != new_phone_hash:
        person.phone_encrypted, person.phone_hash, person.phone_masked = protect(
            "phone", data.phone, Person, person.row_key)
        changed.append("phone")
    return changed


def _id_taken() -> FieldError:
    return FieldError("id_number", RegistryCode.ID_NUMBER_TAKEN,
                      _("A person with this ID number is already registered"))


def _check_id_number_free(actor: User, id_number: str, *, exclude: int | None = None) -> None:
    """Refuse an ID number someone already holds. Inside the actor's scope the answer says so (they can
    find that person anyway); outside it, one answer for every reason, counted as an identifier-search
    miss, so that registering is no test of whether someone is registered elsewhere in the district."""
    identifier_search_check(actor=actor, field="id_number")
    holders = Person.objects.by_id_number(id_number).exclude(pk=exclude)
    holder = holders.values("community_id", "grid_id").first()
    if holder is None:
        return
    if scope_of(actor).covers_grid(holder["community_id"], holder["grid_id"]):
        raise _id_taken()
    identifier_search_record(actor=actor, field="id_number", hits=0)
    raise FieldError("id_number", RegistryCode.ID_NUMBER_UNAVAILABLE,
                     _("This ID number cannot be registered here. If the person moved here, ask the street "
                       "office (街道办) to move their record."))


@transaction.atomic
def household_create(
    *, actor: User, community: Community, grid: Grid, building_name: str, unit: str, room: str, address: str = ""
) -> Household:
    require(actor, Perm.EDIT_REGISTRY)
    _check_place(actor, community.id, grid.id)
    if grid.community_id != community.id:
        raise FieldError("grid", RegistryCode.GRID_OUTSIDE_COMMUNITY, _("The grid belongs to another community"))
    building, _created = Building.objects.get_or_create(
        community=community, name=building_name.strip(), defaults={"grid": grid}
    )
    household = Household.objects.create(
        community=community,
        grid=grid,
        building=building,
        unit=unit.strip(),
        room=room.strip(),
        address=address.strip() or f"{community.name}{building.name}{unit}{room}",
    )
    audit_record(actor=actor, action="create", object_type="household", object_id=household.pk,
                 community_id=community.id, fields=["address", "grid", "building", "unit", "room"])
    return household


def person_register(
    *,
    actor: User,
    data: PersonData,
    community: Community,
    household: Household | None = None,
    relation: str = Membership.Relation.HEAD,
    since: date | None = None,
    landlord: Person | None = None,
) -> Person:
    """Register a person, with their household membership (and landlord, for a tenant)."""
    require(actor, Perm.EDIT_REGISTRY)
    # Before the transaction, so that a refusal's identifier-search miss stays recorded (inside a caller's
    # larger transaction it is kept or rolled back with it).
    _check_id_number_free(actor, data.id_number)
    return _person_insert(actor=actor, data=data, community=community, household=household, relation=relation,
                          since=since, landlord=landlord)


@transaction.atomic
def _person_insert(
    *, actor: User, data: PersonData, community: Community, household: Household | None, relation: str,
    since: date | None, landlord: Person | None,
) -> Person:
    if household is not None and household.community_id != community.id:
        raise FieldError("household", RegistryCode.HOUSEHOLD_OUTSIDE_COMMUNITY,
                         _("The household belongs to another community"))
    _check_place(actor, community.id, household.grid_id if household else None)
    person = Person(community=community, retain_until=default_retain_until())
    _apply_person_data(person, data)
    if household is not None:
        person.household, person.grid = household, household.grid
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # a concurrent registration of the same ID number won the unique index
        raise _id_taken() from None
    if data.tags:
        words = tags_by_word()
        person.tags.set([words[t] if t in words else words[t.lower()] for t in data.tags])
    start = since or local_today()
    if household is not None:
        Membership.objects.create(
            person=person, household=household, community=community, relation=relation, start_date=start
        )
        if landlord is not None:
            Tenancy.objects.create(
                community=community, landlord=landlord, tenant=person, household=household, start_date=start
            )
    audit_record(actor=actor, action="create", object_type="person", object_id=person.pk,
                 community_id=community.id, fields=_person_field_names(person))
    return person


def _person_field_names(person: Person) -> list[str]:
    names = ["name", "sex", "birth_date", "id_type", "id_number", "category"]
    if person.phone_hash:
        names.append("phone")
    if person.workplace:
        names.append("workplace")
    return names


def person_update(*, actor: User, person: Person, data: PersonData) -> list[str]:
    require(actor, Perm.EDIT_REGISTRY)
    _check_place(actor, person.community_id, person.grid_id)
    _check_id_number_free(actor, data.id_number, exclude=person.pk)  # before the transaction, as above
    return _person_change(actor=actor, person=person, data=data)


@transaction.atomic
def _person_change(*, actor: User, person: Person, data: PersonData) -> list[str]:
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_place(actor, person.community_id, person.grid_id)
    changed = _apply_person_data(person, data)
    words = tags_by_word()
    new_tags = {words.get(t, words.get(t.lower())).pk for t in data.tags}
    if set(person.tags.values_list("pk", flat=True)) != new_tags:
        person.tags.set(new_tags)
        changed.append("tags")
    if changed:
        person.retain_until = max(person.retain_until, default_retain_until())
        person.save()
        audit_record(actor=actor, action="update", object_type="person", object_id=person.pk,
                     community_id=person.community_id, fields=changed)
    return changed


@transaction.atomic
def person_move(
    *, actor: User, person: Person, household: Household, relation: str, on: date | None = None
) -> Membership:
    """Close the current membership and open one in `household` (which may be in another community)."""
    require(actor, Perm.EDIT_REGISTRY)
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_place(actor, person.community_id, person.grid_id)
    _check_place(actor, household.community_id, household.grid_id)
    on = on or local_today()
    current = person.memberships.filter(end_date__isnull=True).first()
    if current is not None:
        if current.household_id == household.id:
            raise FieldError("household", RegistryCode.ALREADY_MEMBER,
                             _("The person already belongs to this household"))
        if on < current.start_date:
            raise FieldError("start_date", RegistryCode.BEFORE_CURRENT,
                             _("A move cannot predate the current membership"))
        current.end_date = on
        current.save(update_fields=["end_date"])
        Tenancy.objects.filter(tenant=person, end_date__isnull=True).update(end_date=on)
    membership = Membership.objects.create(
        person=person, household=household, community_id=household.community_id, relation=relation, start_date=on
    )
    person.household, person.grid, person.community_id = household, household.grid, household.community_id
    person.save(update_fields=["household", "grid", "community", "updated_at"])
    audit_record(actor=actor, action="update", object_type="person", object_id=person.pk,
                 community_id=household.community_id, fields=["household"])
    return membership


@transaction.atomic
def person_reveal(*, actor: User, person: Person, field: str, via: str = "web") -> str:
    """Return the clear value of a protected field and audit that this actor saw it."""
    if field not in PROTECTED_FIELDS:
        raise FieldError("field", RegistryCode.NOT_REVEALABLE, _("Only id_number and phone can be revealed"))
    require(actor, Perm.REVEAL_ID_NUMBER if field == "id_number" else Perm.REVEAL_PHONE)
    _check_place(actor, person.community_id, person.grid_id)
    audit_record(actor=actor, action="reveal", object_type="person", object_id=person.pk,
                 community_id=person.community_id, fields=[field], via=via)
    return getattr(person, field)


ANONYMISED_NAME = "（已清除）"


@transaction.atomic
def purge_expired(*, today: date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Anonymise people whose retention date has passed.

    Rows stay (later features hang visits, scans and observations on them, and counts in past
    reports must not change); the identifying fields are erased for good. Memberships and
    tenancies go, since they say where a named person lived.
    """
    today = today or local_today()
    due = Person.objects.filter(retain_until__lt=today, purged_at__isnull=True)
    ids = list(due.values_list("pk", flat=True))
    result = {"people": len(ids)}
    if dry_run or not ids:
        return result
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        Tenancy.objects.filter(tenant_id__in=chunk).delete()
        Tenancy.objects.filter(landlord_id__in=chunk).delete()
        Membership.objects.filter(person_id__in=chunk).delete()
        Person.tags.through.objects.filter(person_id__in=chunk).delete()
        Person.objects.filter(pk__in=chunk).update(
            name=ANONYMISED_NAME, sex="", birth_date=None, workplace="",
            id_number_encrypted="", id_number_hash=None, id_number_masked="",
            phone_encrypted="", phone_hash=None, phone_masked="",
            household=None, grid=None, purged_at=timezone.now(),
        )
    audit_record(actor=None, action="purge", object_type="person", count=len(ids),
                 fields=["name", "id_number", "phone", "birth_date", "workplace", "household"], via="command")
    return result
