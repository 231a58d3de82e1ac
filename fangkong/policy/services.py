"""Writes of policy: a value set at one level from the date it takes effect, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, Role, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.errors import FieldError, NotFound
from fangkong.policy.catalogue import SETTINGS
from fangkong.policy.errors import PolicyCode
from fangkong.policy.models import PolicyValue
from fangkong.policy.selectors import policy_cache_clear
from fangkong.registry.models import Community, District, Street


def _may_set_at(actor: User, *, district: District | None, street: Street | None, community: Community | None) -> bool:
    scope = scope_of(actor)
    if scope.is_all:
        return True
    if community is not None:
        return scope.covers_whole_community(community.id) and actor.role in (Role.COMMUNITY_LEADER, Role.STREET_OFFICE)
    if street is not None:
        return actor.role == Role.STREET_OFFICE and actor.scope_grants.filter(street=street).exists()
    return False


def policy_levels(*, actor: User, community: Community) -> list[str]:
    """The levels at which `actor` may set a value for `community`: "community", "street", both or none."""
    if not role_can(actor.role, Perm.EDIT_POLICY):
        return []
    levels = []
    if _may_set_at(actor, district=None, street=None, community=community):
        levels.append("community")
    if _may_set_at(actor, district=None, street=community.street, community=None):
        levels.append("street")
    return levels


@transaction.atomic
def policy_set(
    *, actor: User, key: str, value: Any, effective_from: date,
    district: District | None = None, street: Street | None = None, community: Community | None = None,
    note: str = "",
) -> PolicyValue:
    require(actor, Perm.EDIT_POLICY)
    if key not in SETTINGS:
        raise FieldError("key", PolicyCode.UNKNOWN_SETTING, _("Unknown setting"))
    if sum(x is not None for x in (district, street, community)) != 1:
        raise FieldError("level", PolicyCode.ONE_LEVEL, _("Set a value at exactly one level"))
    if not _may_set_at(actor, district=district, street=street, community=community):
        raise NotFound(_("No such place in your scope"))
    clean = SETTINGS[key].parse(value)
    rec = PolicyValue.objects.create(
        key=key, value=clean, district=district, street=street, community=community,
        effective_from=effective_from, note=note[:200], set_by=actor,
    )
    audit_record(actor=actor, action="create", object_type="policy", object_id=rec.pk,
                 community_id=community.id if community else None, fields=[key])
    transaction.on_commit(policy_cache_clear)
    return rec
