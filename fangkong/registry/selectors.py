"""Reads for the registry, each scoped to the actor at this one door."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import normalise_id_number, normalise_phone
from fangkong.registry.identifier_search import Field, identifier_search_check, identifier_search_record
from fangkong.registry.models import Community, Grid, Household, Person

_LOOKS_LIKE_ID = re.compile(r"^[0-9]{17}[0-9Xx]$|^[0-9]{15}$|^[A-Za-z][0-9]{7,9}$")
_LOOKS_LIKE_PHONE = re.compile(r"^(\+?86)?[0-9\- ]{7,14}$")


def community_list(*, actor: User) -> QuerySet[Community]:
    return Community.objects.for_scope(scope_of(actor)).select_related("street")


def community_get(*, actor: User, code: str) -> Community:
    community = community_list(actor=actor).filter(code=code).first()
    if community is None:
        raise NotFound(_("No such community in your scope"))
    return community


def grid_list(*, actor: User) -> QuerySet[Grid]:
    return Grid.objects.for_scope(scope_of(actor)).select_related("community")


def person_list(
    *, actor: User, q: str = "", grid: int | None = None, category: str = "", tag: str = "",
    community: int | None = None, via: str = "web",
) -> QuerySet[Person]:
    """People the actor may see, searched by exact ID number, exact phone, name or address. An exact
    search is guarded (`identifier_search`): audited, and budgeted for roles that may not reveal."""
    require(actor, Perm.VIEW_REGISTRY)
    people = Person.objects.for_scope(scope_of(actor)).filter(purged_at__isnull=True)
    q = unicodedata.normalize("NFKC", q or "").strip()
    if q:
        if _LOOKS_LIKE_ID.match(q):
            people = _exact_search(actor, "id_number", people.by_id_number(normalise_id_number(q)), via)
        elif _LOOKS_LIKE_PHONE.match(q):
            try:
                phone = normalise_phone(q)
            except FieldError:
                people = people.none()
            else:
                people = _exact_search(actor, "phone", people.by_phone(phone), via)
        else:
            people = people.filter(Q(name__icontains=q) | Q(household__address__icontains=q))
    if community:
        people = people.filter(community_id=community)
    if grid:
        people = people.filter(grid_id=grid)
    if category:
        people = people.filter(category=category)
    if tag:
        people = people.filter(tags__code=tag)
    return people.select_related("household", "grid", "community").prefetch_related("tags").order_by(
        "community_id", "grid_id", "household_id", "id"
    )


def _exact_search(actor: User, field: Field, matches: QuerySet[Person], via: str) -> QuerySet[Person]:
    identifier_search_check(actor=actor, field=field)
    ids = list(matches.values_list("id", flat=True)[:20])  # one ID number is one person; a phone a few
    identifier_search_record(actor=actor, field=field, hits=len(ids), via=via)
    return matches.filter(id__in=ids)


def person_age_for(*, actor: User, birth_date: date | None) -> tuple[int | None, str | None]:
    """(age, age band by decade) as the actor may see them. The exact age narrows a masked ID number's
    hidden birth date to one year, so only roles that may reveal ID numbers get it; the others get
    the decade ("30-39")."""
    if birth_date is None:
        return None, None
    today = local_today()
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    band = f"{age // 10 * 10}-{age // 10 * 10 + 9}"
    return (age if role_can(actor.role, Perm.REVEAL_ID_NUMBER) else None), band


def person_get(*, actor: User, pk: int) -> Person:
    person = person_list(actor=actor).filter(pk=pk).first()
    if person is None:
        raise NotFound(_("No such person in your scope"))
    return person


def person_memberships(*, person: Person):
    return person.memberships.select_related("household").order_by("-start_date", "-id")


def household_list(*, actor: User, q: str = "", grid: int | None = None) -> QuerySet[Household]:
    require(actor, Perm.VIEW_REGISTRY)
    households = Household.objects.for_scope(scope_of(actor))
    if q:
        households = households.filter(address__icontains=q.strip())
    if grid:
        households = households.filter(grid_id=grid)
    return households.select_related("grid", "building", "community").annotate(
        member_count=Count("current_members", filter=Q(current_members__purged_at__isnull=True))
    ).order_by("building__grid_id", "building__name", "unit", "room", "id")


def household_get(*, actor: User, pk: int) -> Household:
    household = household_list(actor=actor).filter(pk=pk).first()
    if household is None:
        raise NotFound(_("No such household in your scope"))
    return household


def household_members(*, household: Household):
    return (
        household.memberships.filter(end_date__isnull=True, person__purged_at__isnull=True)
        .select_related("person")
        .prefetch_related("person__tags")
        .order_by("id")
    )
