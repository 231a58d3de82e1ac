"""Reads for passes, each scoped to the actor: the pass list, what may be printed, and who a bulk
issue is for."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.paging import Key
from fangkong.passes.errors import PassCode
from fangkong.passes.models import Pass
from fangkong.registry.models import Building, Community, Grid, Person

# Who a bulk issue is for: residence categories of the people in the community.
BULK_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "floating": (_("Floating population"), (Person.Category.FLOATING,)),
    "tenant": (_("Tenants"), (Person.Category.TENANT,)),
    "outsiders": (_("Floating population and tenants"), (Person.Category.FLOATING, Person.Category.TENANT)),
    "residents": (_("Residents (registered here or not)"),
                  (Person.Category.REGISTERED, Person.Category.UNREGISTERED)),
    "everyone": (_("Everyone living in the community"), tuple(Person.Category.values)),
}


# The API's order: by community, then as issued. Numbers are random, and a cursor holds ids only (a pass
# number opens a gate: it stays out of URLs and their logs). Served by `pass_list_order` (migration 0006).
PASS_ORDER = (Key("k_community", F("community_id")), Key("pk", F("pk")))


def _filtered(qs: QuerySet[Pass], *, kind: str = "", status: str = "", q: str = "",
              community: int | None = None, numbers: Iterable[str] | None = None) -> QuerySet[Pass]:
    """`numbers`: None for any number, a list (maybe empty) for exactly those."""
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(number__startswith=q.strip())
    if community:
        qs = qs.filter(community_id=community)
    if numbers is not None:
        qs = qs.filter(number__in=list(numbers))
    return qs.select_related("person", "household", "community").order_by("community_id", "number")


def status_filter_check(*, actor: User, status: str) -> None:
    """A pass is suspended while its holder is under medical observation, so the suspended passes are a
    list of people under observation: a filter for roles with health permission only. (Each pass still
    shows its status: whoever works the gate must know it does not open it; not why.)"""
    if status == Pass.Status.SUSPENDED and not role_can(actor.role, Perm.VIEW_HEALTH):
        raise FieldError("status", PassCode.HEALTH_PERMISSION_REQUIRED,
                         _("Only roles that may see health information list the suspended passes"))


def pass_list(*, actor: User, kind: str = "", status: str = "", q: str = "", community: int | None = None,
              numbers: Iterable[str] | None = None) -> QuerySet[Pass]:
    require(actor, Perm.VIEW_PASSES)
    status_filter_check(actor=actor, status=status)
    return _filtered(Pass.objects.for_scope(scope_of(actor)), kind=kind, status=status, q=q, community=community,
                     numbers=numbers)


def pass_print_list(*, actor: User, kind: str = "", status: str = "", q: str = "", community: int | None = None,
                    numbers: Iterable[str] | None = None) -> QuerySet[Pass]:
    """Passes the actor may print: of communities they hold whole, and never revoked ones."""
    require(actor, Perm.PRINT_PASSES)
    status_filter_check(actor=actor, status=status)
    scope = scope_of(actor)
    qs = Pass.objects.all() if scope.is_all else Pass.objects.filter(community_id__in=scope.community_ids)
    qs = qs.exclude(status=Pass.Status.REVOKED)
    return _filtered(qs, kind=kind, status=status, q=q, community=community, numbers=numbers)


def issuing_communities(*, actor: User) -> QuerySet[Community]:
    """Communities the actor may issue passes in: those their scope covers whole."""
    require(actor, Perm.ISSUE_PASSES)
    scope = scope_of(actor)
    qs = Community.objects.all() if scope.is_all else Community.objects.filter(id__in=scope.community_ids)
    return qs.order_by("code")


# How the people of a bulk issue are chosen: a residence category, a grid, a building, or a picked list.
BULK_BY: dict[str, str] = {
    "category": _("By category"),
    "grid": _("By grid"),
    "building": _("By building"),
    "picked": _("Picked people"),
}
MAX_PICKED = 500  # one form post; larger groups go by grid or building


def issuing_grids(*, actor: User) -> QuerySet[Grid]:
    return Grid.objects.filter(community__in=issuing_communities(actor=actor)).select_related("community").order_by(
        "community__code", "number")


def issuing_buildings(*, actor: User) -> QuerySet[Building]:
    return (Building.objects.filter(community__in=issuing_communities(actor=actor)).select_related("community")
            .order_by("community__code", "name"))


def _living(community: Community) -> QuerySet[Person]:
    return Person.objects.filter(community=community, purged_at__isnull=True)


def bulk_candidates(*, actor: User, community: Community, by: str = "category", group: str = "",
                    grid: int | None = None, building: int | None = None,
                    people: Iterable[int] = ()) -> QuerySet[Person]:
    """Everyone chosen in `community`: of a category `group`, of a `grid` (their own grid, else their
    household's), of a `building`, or the `people` picked (ids; those of other communities are dropped).
    The issuing service skips those who already hold a pass of the kind."""
    require(actor, Perm.ISSUE_PASSES)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    if by == "category":
        if group not in BULK_GROUPS:
            raise FieldError("group", "invalid_choice", _("Unknown group of people"))
        qs = _living(community).filter(category__in=BULK_GROUPS[group][1])
    elif by == "grid":
        if not Grid.objects.filter(id=grid, community=community).exists():
            raise FieldError("grid", "invalid_choice", _("No such grid in this community"))
        qs = _living(community).filter(Q(grid_id=grid) | Q(grid__isnull=True, household__grid_id=grid))
    elif by == "building":
        if not Building.objects.filter(id=building, community=community).exists():
            raise FieldError("building", "invalid_choice", _("No such building in this community"))
        qs = _living(community).filter(household__building_id=building)
    elif by == "picked":
        ids = [int(i) for i in people][:MAX_PICKED]
        if not ids:
            raise FieldError("people", "required", _("Tick at least one person"))
        qs = _living(community).filter(id__in=ids)
    else:
        raise FieldError("by", "invalid_choice", _("Unknown way of choosing people"))
    return qs.order_by("household_id", "id")


PICK_LIMIT = 200  # people shown by one search on the picker


def pick_candidates(*, actor: User, community: Community, q: str = "", grid: int | None = None,
                    building: int | None = None, category: str = "", limit: int = PICK_LIMIT) -> QuerySet[Person]:
    """People to tick on the issue page: in `community`, by part of a name or address, a grid, a building
    or a category. No search by ID number or phone here (those are audited lookups on the people list)."""
    require(actor, Perm.ISSUE_PASSES)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    qs = _living(community)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(household__address__icontains=q))
    if grid:
        qs = qs.filter(Q(grid_id=grid) | Q(grid__isnull=True, household__grid_id=grid))
    if building:
        qs = qs.filter(household__building_id=building)
    if category:
        qs = qs.filter(category=category)
    return qs.select_related("household", "grid").order_by("household__building__name", "household_id", "id")[:limit]


def active_kinds(*, actor: User, people: list[int]) -> dict[int, list[str]]:
    """The kinds of active pass each of `people` holds, for the picker (a suspended pass is not shown:
    it would tell who is under observation)."""
    require(actor, Perm.ISSUE_PASSES)
    out: dict[int, list[str]] = {}
    rows = (Pass.objects.for_scope(scope_of(actor)).filter(person_id__in=people, status=Pass.Status.ACTIVE)
            .filter(valid_until__gte=timezone.localdate())
            .values_list("person_id", "kind").order_by("kind").distinct())
    for person_id, kind in rows:
        out.setdefault(person_id, []).append(str(Pass.Kind(kind).label))
    return out
