"""Reads about users: who holds a permission somewhere in a scope, and in which communities.

Accounts sits below the registry: places are reached through the scope grants' foreign keys in the
query, never by importing registry code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import audit_names
from fangkong.accounts.models import AuditEntry, ScopeGrant, SecurityAlert, User
from fangkong.accounts.roles import PERMISSIONS, Perm, Role, role_can
from fangkong.accounts.scope import Scope, scope_of


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


# --- the audit log --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    person_id: int | None = None
    action: str = ""
    day_from: date | None = None
    day_to: date | None = None  # inclusive


def audit_entries(*, actor: User, where: AuditFilter = AuditFilter()) -> QuerySet[AuditEntry]:
    """Audit entries the reader may see (their communities' and their own; everything for an
    administrator), narrowed by `where`; days are local calendar days."""
    scope = scope_of(actor)
    entries = AuditEntry.objects.all()
    if not scope.is_all:
        entries = entries.filter(Q(community_id__in=scope.community_ids) | Q(actor=actor))
    if where.actor_id is not None:
        entries = entries.filter(actor_id=where.actor_id)
    if where.person_id is not None:
        entries = entries.filter(object_type="person", object_id=str(where.person_id))
    if where.action:
        entries = entries.filter(action=where.action)
    tz = timezone.get_current_timezone()
    if where.day_from is not None:
        entries = entries.filter(at__gte=datetime.combine(where.day_from, time.min, tz))
    if where.day_to is not None:
        entries = entries.filter(at__lt=datetime.combine(where.day_to + timedelta(days=1), time.min, tz))
    return entries.select_related("actor", "community")


def audit_actors(*, actor: User) -> QuerySet[User]:
    """Whom the reader may pick in the audit log's "who" filter: users whose grants reach the reader's
    communities, and the reader; every user for an administrator. By name."""
    scope = scope_of(actor)
    users = User.objects.all()
    if not scope.is_all:
        users = users.filter(_grants_reaching(scope, "scope_grants__") | Q(pk=actor.pk)).distinct()
    return users.order_by("display_name", "username")


@dataclass(frozen=True)
class AuditRow:
    """One entry as the audit page shows it: the actor's and the object's names, the fields in words."""

    entry: AuditEntry
    who: str
    what: str  # the object type in words
    name: str  # the object's name, or "#id" when its app does not name it
    url: str | None
    fields: list[str]
    via: str
    person_id: int | None  # for "only this person"


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """A page of entries with names resolved in one query per object type (accounts.audit_names)."""
    names = audit_names.names_of((e.object_type, e.object_id) for e in entries)
    rows = []
    for e in entries:
        named = names.get((e.object_type, e.object_id))
        who = str(e.actor) if e.actor is not None else (e.actor_username if e.actor_username != "system"
                                                         else str(_("the system")))
        rows.append(AuditRow(
            entry=e, who=who, what=audit_names.type_label(e.object_type),
            name=named.text if named else (f"#{e.object_id}" if e.object_id else ""),
            url=named.url if named else None,
            fields=[audit_names.field_label(e.object_type, f) for f in e.fields],
            via=str(audit_names.VIA_LABELS.get(e.via, e.via)),
            person_id=int(e.object_id) if e.object_type == "person" and e.object_id.isdigit() else None,
        ))
    return rows
