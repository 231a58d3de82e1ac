"""Reads for the registry, each scoped to the actor at this one door."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.db.models import BigIntegerField, Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import normalise_id_number, normalise_phone
from fangkong.core.paging import Cursor, CursorPage, Key, count_bounded, cursor_page
from fangkong.core.params import int_param
from fangkong.registry.identifier_search import Field, identifier_search_check, identifier_search_record
from fangkong.registry.models import Community, Grid, Household, Person

_LOOKS_LIKE_ID = re.compile(r"^[0-9]{17}[0-9Xx]$|^[0-9]{15}$|^[A-Za-z][0-9]{7,9}$")
_LOOKS_LIKE_PHONE = re.compile(r"^(\+?86)?[0-9\- ]{7,14}$")
# A trigram index finds a fragment anywhere only from 3 characters on (pg_trgm cuts text into threes), and
# a Chinese name is 2 or 3: a shorter fragment matches names that begin with it (a surname), by b-tree.
TRIGRAM_MIN = 3

# The people list's order, and the expressions of its index (migration 0005, `person_list_order`): the
# expressions here and there must be the same for PostgreSQL to read the index in order.
_INT = BigIntegerField()
PERSON_ORDER = (
    Key("k_community", F("community_id")),
    Key("k_grid", Coalesce(F("grid_id"), Value(0), output_field=_INT)),
    Key("k_household", Coalesce(F("household_id"), Value(0), output_field=_INT)),
    Key("pk", F("pk")),
)
HOUSEHOLD_ORDER = (Key("k_community", F("community_id")), Key("k_grid", F("grid_id")),
                   Key("k_building", F("building_id")), Key("pk", F("pk")))


def community_list(*, actor: User) -> QuerySet[Community]:
    return Community.objects.for_scope(scope_of(actor)).select_related("street")


def community_get(*, actor: User, code: str) -> Community:
    community = community_list(actor=actor).filter(code=code).first()
    if community is None:
        raise NotFound(_("No such community in your scope"))
    return community


def grid_list(*, actor: User) -> QuerySet[Grid]:
    return Grid.objects.for_scope(scope_of(actor)).select_related("community")


def grid_choices(*, actor: User, community: str | None, most: int
                 ) -> tuple[list[tuple[int, str]] | None, list[Grid]]:
    """(communities, grids) for a filter by grid: (None, every grid) when the reader has at most `most`
    grids; else ((id, name) of the reader's communities, the grids of `community` — the chosen one's id as
    typed — or none), so that a page's options stay a community's or a street's, never a city's."""
    grids = grid_list(actor=actor).order_by("community__code", "number", "id")
    if grids.order_by()[:most + 1].count() <= most:
        return None, list(grids)
    communities = list(community_list(actor=actor).order_by("code").values_list("id", "name"))
    chosen = int_param(community)
    return communities, list(grids.filter(community_id=chosen)) if chosen else []


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
            people = people.filter(_name_match(q))
    if community:
        people = people.filter(community_id=community)
    if grid:
        people = people.filter(grid_id=grid)
    if category:
        people = people.filter(category=category)
    if tag:
        people = people.filter(tags__code=tag)
    people = people.select_related("household", "grid", "community").prefetch_related("tags")
    if _is_name_search(q):
        return people.order_by(_rank(q), "id")
    return people.order_by(*(k.expression for k in PERSON_ORDER))


def _is_name_search(q: str) -> bool:
    q = unicodedata.normalize("NFKC", q or "").strip()
    return bool(q) and not _LOOKS_LIKE_ID.match(q) and not _LOOKS_LIKE_PHONE.match(q)


def _name_match(q: str) -> Q:
    """A name (or, from 3 characters, an address) holding `q`. The forms are the ones the indexes of
    migration 0005 answer on PostgreSQL: `name LIKE 'q%'` the b-tree on name (varchar_pattern_ops),
    `UPPER(name::text) LIKE UPPER('%q%')` (icontains) the trigram index on that same expression; the
    address through the households' own trigram index and the people's household_id index. The two as a
    UNION of ids, never an OR across the join (which reads every person)."""
    if len(q) < TRIGRAM_MIN:
        return Q(name__startswith=q)
    named = Person.objects.filter(name__icontains=q).order_by().values("pk")
    housed = Person.objects.filter(household__in=Household.objects.filter(address__icontains=q).values("pk")
                                   ).order_by().values("pk")
    return Q(pk__in=named.union(housed))


def _rank(q: str) -> Case:
    return Case(When(name=q, then=Value(0)), When(name__startswith=q, then=Value(1)), default=Value(2))


def person_page(
    *, actor: User, q: str = "", grid: int | None = None, category: str = "", tag: str = "",
    community: int | None = None, via: str = "web", cursor: str | None = None, offset: int = 0, limit: int = 50,
    count: bool = True,
) -> CursorPage:
    """One page of `person_list`, by cursor or offset, with a bounded count ("10,000+"). Its cost does
    not grow with the scope: the page's keys come from an index in the list's order (an index-only scan
    for the plain list, however deep the offset), then only those rows are read with their relations.
    A name search walks its three ranks one after the other, each in id order (docs/lists-at-scale.md)."""
    people = person_list(actor=actor, q=q, grid=grid, category=category, tag=tag, community=community, via=via)
    q = unicodedata.normalize("NFKC", q or "").strip()
    # Unranked, in the list's order: counted from its index; a search's rank is no index's order.
    total, more = count_bounded(people, in_order=not _is_name_search(q)) if count else (None, False)
    if _is_name_search(q):
        page = _ranked_page(people, q, cursor=cursor, offset=offset, limit=limit)
    else:
        page = cursor_page(people, PERSON_ORDER, cursor=cursor, offset=offset, limit=limit,
                           fetch=lambda ids: _people_by_ids(people, ids))
    return CursorPage(page.items, page.next_cursor, total, more)


def _people_by_ids(people: QuerySet[Person], ids: list[int]) -> list[Person]:
    by_id = people.order_by().in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def _ranked_page(people: QuerySet[Person], q: str, *, cursor: str | None, offset: int, limit: int) -> CursorPage:
    """Exact names, then names beginning with `q`, then the rest, by id in each. The first page and a
    cursor (rank, id) read rank after rank, each from its own index in id order, where one ORDER BY over
    the rank would rank every match first (a common surname matches 7 % of a city). An offset (rare in a
    search) goes through the ranked order in SQL."""
    if not cursor and offset:
        keys = (Key("k_rank", _rank(q)), Key("pk", F("pk")))
        return cursor_page(people, keys, offset=offset, limit=limit, fetch=lambda ids: _people_by_ids(people, ids))
    rank, after = Cursor.decode(cursor, [int, int]) if cursor else (0, 0)
    tiers = (Q(name=q), Q(name__startswith=q) & ~Q(name=q), ~Q(name__startswith=q))
    if len(q) < TRIGRAM_MIN:  # a short search matches by prefix only (`_name_or_address`): no third rank
        tiers = tiers[:2]
    ids: list[tuple[int, int]] = []
    for r in range(max(rank, 0), len(tiers)):
        rows = people.filter(tiers[r])
        if r == rank:
            rows = rows.filter(pk__gt=after)
        ids += [(r, i) for i in rows.order_by("pk").values_list("pk", flat=True)[:limit + 1 - len(ids)]]
        if len(ids) > limit:
            break
    more = len(ids) > limit
    ids = ids[:limit]
    return CursorPage(_people_by_ids(people, [i for _r, i in ids]), Cursor.encode(ids[-1]) if more else None)


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
    # By place, then by id (the order the rooms were registered in): only ids, so a cursor carries no
    # address, and one index (`household_list_order`) serves the order.
    return _with_member_count(households.select_related("grid", "building", "community")).order_by(
        "community_id", "grid_id", "building_id", "id")


def _with_member_count(households: QuerySet[Household]) -> QuerySet[Household]:
    return households.annotate(
        member_count=Count("current_members", filter=Q(current_members__purged_at__isnull=True)))


def household_page(*, actor: User, q: str = "", grid: int | None = None, cursor: str | None = None,
                   offset: int = 0, limit: int = 50) -> CursorPage:
    """One page of households with a bounded count; members are counted for the page's rows only."""
    require(actor, Perm.VIEW_REGISTRY)
    households = Household.objects.for_scope(scope_of(actor))
    if q:
        households = households.filter(address__icontains=q.strip())
    if grid:
        households = households.filter(grid_id=grid)
    total, more = count_bounded(households.order_by(*(k.expression for k in HOUSEHOLD_ORDER)), in_order=True)

    def fetch(ids: list[int]) -> list[Household]:
        by_id = _with_member_count(Household.objects.filter(id__in=ids).select_related(
            "grid", "building", "community")).in_bulk()
        return [by_id[i] for i in ids if i in by_id]

    page = cursor_page(households, HOUSEHOLD_ORDER, cursor=cursor, offset=offset, limit=limit, fetch=fetch)
    return CursorPage(page.items, page.next_cursor, total, more)


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
