"""Reads for passes, each scoped to the actor: the pass list, what may be printed, and who a bulk
issue is for."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound
from fangkong.passes.errors import PassCode
from fangkong.passes.models import Pass
from fangkong.registry.models import Community, Person

# Who a bulk issue is for: residence categories of the people in the community.
BULK_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "floating": (_("Floating population"), (Person.Category.FLOATING,)),
    "tenant": (_("Tenants"), (Person.Category.TENANT,)),
    "outsiders": (_("Floating population and tenants"), (Person.Category.FLOATING, Person.Category.TENANT)),
    "residents": (_("Residents (registered here or not)"),
                  (Person.Category.REGISTERED, Person.Category.UNREGISTERED)),
    "everyone": (_("Everyone living in the community"), tuple(Person.Category.values)),
}


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


def bulk_candidates(*, actor: User, community: Community, group: str) -> QuerySet[Person]:
    """Everyone of `group` living in `community` now; the issuing service skips those who hold a pass."""
    require(actor, Perm.ISSUE_PASSES)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    if group not in BULK_GROUPS:
        raise FieldError("group", "invalid_choice", _("Unknown group of people"))
    return (Person.objects.filter(community=community, purged_at__isnull=True, category__in=BULK_GROUPS[group][1])
            .order_by("household_id", "id"))
