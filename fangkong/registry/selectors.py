"""Reads for the registry, each scoped to the actor at this one door."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import normalise_id_number, normalise_phone
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
    community: int | None = None,
) -> QuerySet[Person]:
    """People the actor may see, searched by exact ID number, exact phone, name or address."""
    require(actor, Perm.VIEW_REGISTRY)
    people = Person.objects.for_scope(scope_of(actor)).filter(purged_at__isnull=True)
    q = unicodedata.normalize("NFKC", q or "").strip()
    if q:
        if _LOOKS_LIKE_ID.match(q):
            people = people.by_id_number(normalise_id_number(q))
        elif _LOOKS_LIKE_PHONE.match(q):
            try:
                people = people.by_phone(normalise_phone(q))
            except FieldError:
                people = people.none()
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
