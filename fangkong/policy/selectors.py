"""Policy in force: the one way any feature reads a setting of the emergency.

A value is set at district, street or community level with the date it takes effect. For a
community on a given day, the nearest level that has a value in effect wins, and within a level
the latest effective date. With no record at all, the built-in default of DESIGN.md §4 applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from fangkong.core.dates import local_today
from fangkong.core.localcache import TTLCache
from fangkong.core.shared_state import bump
from fangkong.policy.catalogue import SETTINGS
from fangkong.policy.display import level_text, value_text
from fangkong.policy.models import PolicyValue
from fangkong.registry.models import Community

LEVEL_RANK = {"community": 0, "street": 1, "district": 2}


@dataclass(frozen=True)
class Effective:
    key: str
    value: Any
    level: str  # community | street | district | default
    source: str  # the name of the place that set it, or "default"
    effective_from: date | None
    record_id: int | None


def _records_for(community: Community):
    street = community.street
    return PolicyValue.objects.filter(
        Q(community=community) | Q(street_id=street.id) | Q(district_id=street.district_id)
    ).select_related("community", "street", "district", "set_by")


def policy_in_force(*, community: Community, on: date | None = None) -> dict[str, Effective]:
    on = on or local_today()
    best: dict[str, PolicyValue] = {}
    for rec in _records_for(community).filter(effective_from__lte=on):
        cur = best.get(rec.key)
        if cur is None or (LEVEL_RANK[rec.level], -rec.effective_from.toordinal(), -rec.id) < (
            LEVEL_RANK[cur.level], -cur.effective_from.toordinal(), -cur.id
        ):
            best[rec.key] = rec
    result = {}
    for key, setting in SETTINGS.items():
        rec = best.get(key)
        if rec is None:
            result[key] = Effective(key, setting.default, "default", "default", None, None)
        else:
            place = rec.community or rec.street or rec.district
            result[key] = Effective(key, rec.value, rec.level, place.name, rec.effective_from, rec.id)
    return result


def policy_value(*, community: Community, key: str, on: date | None = None) -> Any:
    return policy_in_force(community=community, on=on)[key].value


def policy_history(*, community: Community) -> list[PolicyValue]:
    return list(_records_for(community).order_by("key", "-effective_from", "-id"))


_cache: TTLCache[dict[str, Any]] = TTLCache(30.0, generation="policy")


def policy_values_cached(*, community_id: int, on: date) -> dict[str, Any]:
    """Policy values for the hot paths (the gate scan), cached per process for 30 seconds.

    A change made on the policy page reaches every gate within about a second with Redis (the `policy`
    generation, core/shared_state.py), else within the 30 seconds.
    """

    def load() -> dict[str, Any]:
        community = Community.objects.select_related("street").get(pk=community_id)
        return {k: e.value for k, e in policy_in_force(community=community, on=on).items()}

    return _cache.get_or_set((community_id, on), load)


def policy_cache_clear() -> None:
    """After a policy change has committed (policy.services): here at once, other processes through the shared cache."""
    _cache.clear()
    bump("policy")


@dataclass(frozen=True)
class ShownValue:
    """One setting as the policy page shows it: its label, its value in words, and where it comes from."""

    key: str
    label: str
    text: str
    level: str  # where it is set, in words ("community"), or "" for the built-in default
    effective: Effective


@dataclass(frozen=True)
class ShownRecord:
    """One value of the history, in words."""

    record: PolicyValue
    label: str
    text: str
    level: str
    place: str


def policy_shown(*, community: Community) -> list[ShownValue]:
    """Every setting in force for the community, in words (policy.display)."""
    return [ShownValue(key, str(SETTINGS[key].label), value_text(key, e.value),
                       "" if e.level == "default" else level_text(e.level), e)
            for key, e in policy_in_force(community=community).items()]


def policy_history_shown(*, community: Community) -> list[ShownRecord]:
    """Every value ever set for the community, its street or district, newest first, in words."""
    records = _records_for(community).order_by("-effective_from", "-id")
    return [ShownRecord(r, str(SETTINGS[r.key].label) if r.key in SETTINGS else r.key, value_text(r.key, r.value),
                        level_text(r.level), (r.community or r.street or r.district).name) for r in records]
