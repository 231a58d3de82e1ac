"""Reads about users: who holds a permission somewhere in a scope, and in which communities.

Accounts sits below the registry: places are reached through the scope grants' foreign keys in the
query, never by importing registry code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from fangkong.accounts.models import ScopeGrant, SecurityAlert, User
from fangkong.accounts.roles import PERMISSIONS, Perm, Role, role_can
from fangkong.accounts.scope import Scope


def _holder_roles(perm: Perm) -> list[str]:
    # Administrators hold every permission everywhere and no grant: they are no community's staff.
    return [r for r in PERMISSIONS[perm] if r != Role.ADMINISTRATOR]


def _grants_reaching(scope: Scope, prefix: str = "") -> Q:
    """Grants that reach into `scope`: a community (or the street of a community) it sees, wholly or
    through a grid; one of its grids; a grid of a community it covers wholly."""
    return (Q(**{f"{prefix}community_id__in": scope.visible_community_ids})
            | Q(**{f"{prefix}street__communities__id__in": scope.visible_community_ids})
            | Q(**{f"{prefix}grid_id__in": scope.grid_ids})
            | Q(**{f"{prefix}grid__community_id__in": scope.community_ids}))


def users_with_perm_in_scope(*, perm: Perm, scope: Scope) -> QuerySet[User]:
    """Active users whose role holds `perm` and who hold a grant reaching into `scope`, by username: the
    people who may be put in charge of something there (a follow-up, a shift)."""
    users = User.objects.filter(is_active=True, role__in=_holder_roles(perm))
    if not scope.is_all:
        users = users.filter(_grants_reaching(scope, "scope_grants__")).distinct()
    return users.order_by("username")


def user_communities(*, users: QuerySet[User] | Iterable[User], community_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each user, the communities among `community_ids` their grants reach (the community itself, a
    grid of it, or its street): where they may work."""
    ids = set(community_ids)
    found: dict[int, set[int]] = defaultdict(set)
    rows = ScopeGrant.objects.filter(user__in=users).values_list(
        "user_id", "community_id", "grid__community_id", "street__communities__id")
    for user_id, *reached in rows:
        found[user_id].update(c for c in reached if c in ids)
    return found


def user_get_active(*, username: str) -> User | None:
    """The active user with this username, else None."""
    return User.objects.filter(username=username, is_active=True).first()


def me_describe(*, user: User) -> dict:
    """What a client needs to know about its own user: role, permissions and the places of its scope,
    by code (a gate device shows whose token it holds; an app hides what the role cannot do)."""
    grants = user.scope_grants.values_list("street__code", "community__code", "grid__community__code",
                                           "grid__number")
    return {
        "username": user.username, "display_name": user.display_name, "role": user.role,
        "permissions": sorted(p.value for p, roles in PERMISSIONS.items() if user.role in roles),
        "everything": user.role == Role.ADMINISTRATOR,
        "streets": sorted({s for s, _c, _gc, _g in grants if s}),
        "communities": sorted({c for _s, c, _gc, _g in grants if c}),
        "grids": sorted({f"{gc}/{g}" for _s, _c, gc, g in grants if gc}),
    }


def security_alerts_open(*, actor: User) -> QuerySet[SecurityAlert]:
    """Open security alerts, for the administrators who must look at them; nothing for anyone else."""
    if not role_can(actor.role, Perm.MANAGE_SECURITY):
        return SecurityAlert.objects.none()
    return SecurityAlert.objects.filter(closed_at__isnull=True).select_related("user")
