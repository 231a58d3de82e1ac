"""Reads for screening: rounds in scope, coverage (who was seen, who is missing) and daily changes.

Coverage counts households that have at least one current member; an empty flat has nobody to see.
A household is *seen* once any visit of the round found people there, however many visits failed
before or after; *unreachable* when it was visited but nobody was seen (nobody home, or refused);
*remaining* when no one has called yet. People are counted where they live now, so someone seen in
grid 1 who then moves to grid 2 stays seen (docs/decisions/0007).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import Scope, scope_of
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.paging import Key
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.flags import person_flags
from fangkong.registry.models import Community, Grid, Household, Membership, Person
from fangkong.registry.selectors import community_list, household_get
from fangkong.screening.errors import ScreeningCode
from fangkong.screening.flags import record_flag
from fangkong.screening.models import Round, TravelRecord, Visit, VisitPerson
from fangkong.screening.services import round_grid_ids
from fangkong.workgroup.models import HouseholdLiaison


def coverage_lists_visible(*, actor: User) -> bool:
    """Whether the actor sees the households and people behind the coverage figures: those who knock on
    doors do; the street office gets the figures only ("nothing more personal than needed")."""
    return role_can(actor.role, Perm.SCREEN)


def round_list(*, actor: User) -> QuerySet[Round]:
    require(actor, Perm.VIEW_SCREENING)
    return Round.objects.for_scope(scope_of(actor)).select_related("community").prefetch_related("grids")


def round_get(*, actor: User, pk: int) -> Round:
    rnd = round_list(actor=actor).filter(pk=pk).first()
    if rnd is None:
        raise NotFound("No such screening round in your scope")
    return rnd


def round_workers(*, rnd: Round) -> QuerySet[User]:
    """Who the round was given to, by username."""
    return rnd.workers.order_by("username")


def round_communities(*, actor: User) -> list[Community]:
    """The communities the actor may open rounds in: those they cover as a whole, by code."""
    scope = scope_of(actor)
    return [c for c in community_list(actor=actor).order_by("code") if scope.covers_whole_community(c.id)]


def community_grids(*, communities: Iterable[Community]) -> QuerySet[Grid]:
    return Grid.objects.filter(community__in=list(communities)).select_related("community").order_by(
        "community__code", "number")


def grids_by_number(*, community: Community, numbers: Iterable[int]) -> list[Grid]:
    """The community's grids with these numbers; a number without a grid is refused."""
    numbers = set(numbers)
    grids = list(community.grids.filter(number__in=numbers).order_by("number"))
    if len(grids) != len(numbers):
        raise FieldError("grids", ScreeningCode.UNKNOWN_GRID, "No such grid in this community")
    return grids


def round_grid_id(*, rnd: Round, number: int) -> int:
    """The id of the round's community's grid with this number."""
    grid_id = rnd.community.grids.filter(number=number).values_list("id", flat=True).first()
    if grid_id is None:
        raise FieldError("grid", ScreeningCode.UNKNOWN_GRID, "No such grid in this community")
    return grid_id


def round_household_get(*, actor: User, rnd: Round, pk: int) -> Household:
    """A household of the round's grids that the actor may visit; 404 otherwise."""
    household = household_get(actor=actor, pk=pk)  # 404 outside the actor's scope
    if household.community_id != rnd.community_id or household.grid_id not in round_grid_ids(rnd):
        raise NotFound(_("No such household in this round"))
    return household


def round_household_search(*, actor: User, rnd: Round, grid_ids: Iterable[int], q: str,
                           limit: int) -> list[Household]:
    """Households of the round's community in these grids whose address contains `q`."""
    return list(Household.objects.for_scope(scope_of(actor))
                .filter(community_id=rnd.community_id, grid_id__in=list(grid_ids), address__icontains=q)
                .select_related("grid").order_by("address")[:limit])


def liaison_household_ids(*, actor: User) -> set[int]:
    """The households the actor is the liaison of (包联到户): their doors come first."""
    return set(HouseholdLiaison.objects.filter(member__user=actor).values_list("household_id", flat=True))


# The visits' order (newest first), served by the index (round, at, id) of migration 0003.
VISIT_ORDER = (Key("k_at", F("at"), datetime), Key("pk", F("pk")))


def visit_list(*, actor: User, rnd: Round, household_id: int | None = None) -> QuerySet[Visit]:
    """Visits of the round in the actor's scope, newest first; one household's when given."""
    require(actor, Perm.SCREEN)
    visits = (Visit.objects.for_scope(scope_of(actor)).filter(round=rnd)
              .select_related("household", "worker").prefetch_related("people"))
    if household_id:
        visits = visits.filter(household_id=household_id)
    return visits


def _visible_grid_ids(scope: Scope, rnd: Round) -> list[int]:
    ids = round_grid_ids(rnd)
    if scope.covers_whole_community(rnd.community_id):
        return ids
    return [g for g in ids if g in scope.grid_ids]


@dataclass
class HouseholdRow:
    id: int
    address: str
    grid: str
    status: str  # seen | unreachable | remaining
    last_outcome: str = ""
    liaison: str = ""


@dataclass
class Tally:
    households_total: int = 0
    seen: int = 0
    unreachable: int = 0
    refused: int = 0
    remaining: int = 0
    people_total: int = 0
    people_seen: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.seen / self.households_total) if self.households_total else 100


@dataclass
class Coverage:
    round: Round
    total: Tally
    by_grid: list[tuple[Grid, Tally]]
    by_worker: list[tuple[str, Tally]]
    households: list[HouseholdRow]
    # A query, sliced by the page that shows it (a page of a hundred, not the thousands of a community).
    people_never_seen: QuerySet[Person] = field(default_factory=Person.objects.none)
    # False for the street office: the figures come without the households and people behind them.
    lists_visible: bool = True

    @property
    def remaining_households(self) -> list[HouseholdRow]:
        return [h for h in self.households if h.status == "remaining"]

    @property
    def unreachable_households(self) -> list[HouseholdRow]:
        return [h for h in self.households if h.status == "unreachable"]


def _occupied_households(rnd: Round, grid_ids: list[int] | None) -> QuerySet[Household]:
    """The round's households in these grids (None: the whole community) with at least one current member,
    each annotated with what the round's visits found there (`was_seen`, `was_visited`, `was_refused`).

    Each is `id IN (the round's visited households)`: a subquery the database runs once and hashes, so
    that it counts and no visit is loaded, and whose plan does not depend on the tables' statistics
    (a correlated EXISTS per household, planned before the first ANALYZE, took seconds on PostgreSQL)."""
    visits = Visit.objects.filter(round=rnd)
    households = Household.objects.filter(community_id=rnd.community_id)
    if grid_ids is not None:
        visits = visits.filter(grid_id__in=grid_ids)
        households = households.filter(grid_id__in=grid_ids)

    def among(v: QuerySet[Visit]) -> ExpressionWrapper:
        return ExpressionWrapper(Q(id__in=v.values("household_id")), output_field=BooleanField())

    return (households.filter(Exists(Person.objects.filter(household=OuterRef("pk"))))  # by the household index
            .annotate(was_seen=among(visits.filter(outcome=Visit.Outcome.SEEN)), was_visited=among(visits),
                      was_refused=among(visits.filter(outcome=Visit.Outcome.REFUSED))))


def _residents(rnd: Round, grid_ids: list[int]) -> QuerySet[Person]:
    """The people living in the round's grids, each annotated with whether a visit of the round saw them
    (`id IN` the people the round's visits found present: run once, as above)."""
    seen = VisitPerson.objects.filter(visit__round=rnd, present=True).values("person_id")
    return (Person.objects.filter(community_id=rnd.community_id, grid_id__in=grid_ids, household__isnull=False,
                                  purged_at__isnull=True)
            .annotate(was_seen=ExpressionWrapper(Q(id__in=seen), output_field=BooleanField())))


def _status(seen: bool, visited: bool) -> str:
    return "seen" if seen else "unreachable" if visited else "remaining"


def _count(tallies: Iterable[Tally], status: str, refused: bool, n: int = 1) -> None:
    for t in tallies:
        t.households_total += n
        setattr(t, status, getattr(t, status) + n)
        if refused and status != "seen":
            t.refused += n


def _prefetched_visible_grid_ids(scope: Scope, rnd: Round) -> list[int] | None:
    """`_visible_grid_ids` from the round's prefetched grids, without a query; None for the whole community."""
    ids = [g.id for g in rnd.grids.all()]
    if scope.covers_whole_community(rnd.community_id):
        return ids or None
    return [g for g in ids if g in scope.grid_ids] if ids else list(scope.grid_ids)


def round_household_tallies(*, actor: User, rounds: Iterable[Round]) -> dict[int, Tally]:
    """The household figures of each round (rounds from `round_list`, their grids prefetched), of the part
    the actor may see, by round id: one query for a page of rounds, counted by the database (the round
    list: no people, no lists)."""
    require(actor, Perm.VIEW_SCREENING)
    scope = scope_of(actor)
    tallies: dict[int, Tally] = {}
    parts = []
    for rnd in rounds:
        tallies[rnd.id] = Tally()
        parts.append(_occupied_households(rnd, _prefetched_visible_grid_ids(scope, rnd))
                     .values("was_seen", "was_visited", "was_refused")
                     .annotate(n=Count("pk"), round_id=Value(rnd.id))
                     .values_list("round_id", "was_seen", "was_visited", "was_refused", "n").order_by())
    if parts:
        for round_id, seen, visited, refused, n in parts[0].union(*parts[1:], all=True):
            _count([tallies[int(round_id)]], _status(seen, visited), refused, n)
    return tallies


def round_coverage(*, actor: User, rnd: Round, grid_id: int | None = None) -> Coverage:
    """Coverage of the part of the round the actor may see (a grid worker: their grid); the households
    and people lists only for those who visit (`coverage_lists_visible`).

    A fixed number of queries whatever the size of the round: the figures are counted by the database
    (households grouped by grid, liaison and what their visits found; people by grid and seen), the
    households come as plain rows when listed, and the people never seen as a query the page slices."""
    require(actor, Perm.VIEW_SCREENING)
    lists = coverage_lists_visible(actor=actor)
    grid_ids = _visible_grid_ids(scope_of(actor), rnd)
    if grid_id is not None:
        grid_ids = [g for g in grid_ids if g == grid_id]
    grids = {g.id: g for g in Grid.objects.filter(id__in=grid_ids)}

    total = Tally()
    per_grid: dict[int, Tally] = {g: Tally() for g in grid_ids}
    per_worker: dict[str, Tally] = {}
    rows: list[HouseholdRow] = []
    households = _occupied_households(rnd, grid_ids)
    if lists:
        # What the last call found where nobody was seen (refused, or nobody home): the few failed calls.
        last = dict(Visit.objects.filter(round=rnd, grid_id__in=grid_ids).exclude(outcome=Visit.Outcome.SEEN)
                    .order_by("at", "id").values_list("household_id", "outcome"))
        for hid, address, g, liaison, seen, visited, refused in (
                households.order_by("grid__number", "building_id", "unit", "room")
                .values_list("id", "address", "grid_id", "liaison__member__name", "was_seen", "was_visited",
                             "was_refused")):
            status = _status(seen, visited)
            rows.append(HouseholdRow(hid, address, grids[g].name, status,
                                     "" if status == "remaining" else Visit.Outcome.SEEN if seen else last.get(hid, ""),
                                     liaison or ""))
            _count([total, per_grid[g], per_worker.setdefault(liaison or "—", Tally())], status, refused)
    else:
        for g, liaison, seen, visited, refused, n in (
                households.values("grid_id", "liaison__member__name", "was_seen", "was_visited", "was_refused")
                .annotate(n=Count("pk"))
                .values_list("grid_id", "liaison__member__name", "was_seen", "was_visited", "was_refused", "n")):
            _count([total, per_grid[g], per_worker.setdefault(liaison or "—", Tally())],
                   _status(seen, visited), refused, n)

    residents = _residents(rnd, grid_ids)
    for g, n, seen in (residents.values("grid_id").annotate(n=Count("pk"), seen=Count("pk", filter=Q(was_seen=True)))
                       .values_list("grid_id", "n", "seen")):
        for t in (total, per_grid[g]):
            t.people_total += n
            t.people_seen += seen
    never = (residents.filter(was_seen=False).select_related("household")
             .only("id", "name", "grid_id", "household_id", "household__address")
             .order_by("grid__number", "household_id", "id"))
    return Coverage(
        round=rnd, total=total, by_grid=[(grids[g], per_grid[g]) for g in sorted(grids, key=lambda g: grids[g].number)],
        by_worker=sorted(per_worker.items()), households=rows if lists else [],
        people_never_seen=never if lists else Person.objects.none(), lists_visible=lists,
    )


@dataclass
class Changes:
    since: date
    until: date
    arrivals: list[Membership]
    departures: list[Membership]
    new_flags: list[TravelRecord]


def daily_changes(*, actor: User, community: Community, day: date | None = None) -> Changes:
    """Daily dynamic screening (每日动态排查): arrivals, departures and new key-area flags since yesterday."""
    require(actor, Perm.VIEW_SCREENING)
    scope = scope_of(actor)
    if not scope.covers_community(community.id):
        raise NotFound("No such community in your scope")
    until = day or local_today()
    since = until - timedelta(days=1)
    grid_filter = Q() if scope.covers_whole_community(community.id) else Q(household__grid_id__in=scope.grid_ids)
    moves = Membership.objects.filter(grid_filter, community=community).select_related("person", "household")
    arrivals = list(moves.filter(start_date__gte=since, start_date__lte=until).order_by("-start_date", "id"))
    departures = list(moves.filter(end_date__gte=since, end_date__lte=until).order_by("-end_date", "id"))
    records = (TravelRecord.objects.for_scope(scope).filter(community=community, recorded_at__date__gte=since,
                                                            recorded_at__date__lte=until)
               .select_related("person").order_by("-recorded_at"))
    # Each new record is judged on its own: a Jinan trip of someone flagged for Hubei is not a new flag.
    new_flags = [r for r in records
                 if record_flag(r, policy_values_cached(community_id=r.community_id, on=until), until)]
    return Changes(since, until, arrivals, departures, new_flags)


@dataclass
class ChangeFigures:
    community: Community
    arrivals: int = 0
    departures: int = 0
    new_flags: int = 0


def daily_change_figures(*, actor: User, day: date | None = None) -> tuple[date, date, list[ChangeFigures]]:
    """The daily changes as figures per community in the actor's scope, with nobody named: for the street
    office, which needs the numbers and not the people. Counted by the database (the flags are judged on
    the day's few travel records, each by its community's policy)."""
    require(actor, Perm.VIEW_SCREENING)
    until = day or local_today()
    since = until - timedelta(days=1)
    communities = list(community_list(actor=actor).order_by("code"))
    rows = {c.id: ChangeFigures(c) for c in communities}
    moves = Membership.objects.filter(community_id__in=rows)
    for field_name, attr in (("start_date", "arrivals"), ("end_date", "departures")):
        for community_id, n in (moves.filter(**{f"{field_name}__gte": since, f"{field_name}__lte": until})
                                .values("community_id").annotate(n=Count("pk")).values_list("community_id", "n")
                                .order_by()):
            setattr(rows[community_id], attr, n)
    records = (TravelRecord.objects.filter(community_id__in=rows, recorded_at__date__gte=since,
                                           recorded_at__date__lte=until)
               .only("community_id", "place", "contact", "left_on", "returned_on", "recorded_at"))
    for r in records:
        if record_flag(r, policy_values_cached(community_id=r.community_id, on=until), until):
            rows[r.community_id].new_flags += 1
    return since, until, list(rows.values())


def household_members_with_flags(household: Household, *, reader: User) -> list[tuple[Person, list]]:
    people = list(Person.objects.filter(household=household).order_by("id"))
    flags = person_flags([p.id for p in people], reader=reader)
    return [(p, flags.get(p.id, [])) for p in people]


def my_rounds(*, actor: User) -> QuerySet[Round]:
    """Open rounds the actor works on, or may see."""
    return round_list(actor=actor).filter(closed_at__isnull=True)


@dataclass
class TodayChoice:
    """An open round over one of the actor's grids: where a door-to-door day starts."""

    round: Round
    grid: Grid
    remaining: int = 0  # households of the grid nobody has called on yet in the round


def today_choices(*, actor: User) -> list[TodayChoice]:
    """Each grid the actor covers, paired with every round open today over it (started, not closed), by
    community, grid and newest round first. A grid worker with one grid and one round gets one choice."""
    require(actor, Perm.SCREEN)
    scope = scope_of(actor)
    rounds = list(my_rounds(actor=actor).filter(starts_on__lte=local_today()).order_by("-starts_on", "-id"))
    if not rounds:
        return []
    grids = Grid.objects.filter(community_id__in={r.community_id for r in rounds}).select_related("community")
    if not scope.is_all:
        grids = grids.filter(Q(community_id__in=scope.community_ids) | Q(id__in=scope.grid_ids))
    by_community: dict[int, list[Grid]] = {}
    for g in grids.order_by("community__code", "number"):
        by_community.setdefault(g.community_id, []).append(g)
    choices = []
    for community_id, community_grids in by_community.items():
        for g in community_grids:
            for r in rounds:
                round_grids = {x.id for x in r.grids.all()}  # prefetched by round_list
                if r.community_id == community_id and (not round_grids or g.id in round_grids):
                    choices.append(TodayChoice(r, g))
    if len(choices) > 1:  # a choice: how many doors are left in each, counted in one query
        grid_ids: dict[int, set[int]] = {}
        for c in choices:
            grid_ids.setdefault(c.round.id, set()).add(c.grid.id)
        by_id = {r.id: r for r in rounds}
        parts = [_occupied_households(by_id[rid], sorted(ids)).filter(was_visited=False)
                 .values("grid_id").annotate(n=Count("pk"), round_id=Value(rid))
                 .values_list("round_id", "grid_id", "n").order_by() for rid, ids in grid_ids.items()]
        left = {(int(rid), g): n for rid, g, n in parts[0].union(*parts[1:], all=True)}
        for c in choices:
            c.remaining = left.get((c.round.id, c.grid.id), 0)
    return choices
