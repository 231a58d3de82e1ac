"""Policy in force: the one way any feature reads a setting of the emergency.

A value is set at district, street or community level with the date it takes effect. For a
community on a given day, the nearest level that has a value in effect wins, and within a level
the latest effective date. With no record at all, the built-in default of DESIGN.md §4 applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, Role
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.dates import local_today
from fangkong.core.errors import Code, FieldError, NotFound
from fangkong.core.localcache import TTLCache
from fangkong.policy.errors import PolicyCode
from fangkong.policy.models import PolicyValue
from fangkong.registry.models import Community, District, Street

PASS_KINDS = ("resident", "temporary", "service", "vehicle")


def _int_range(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(v: Any) -> int:
        try:
            n = int(v)
        except (TypeError, ValueError):
            raise FieldError("value", Code.NOT_INTEGER, _("Enter a whole number")) from None
        if not lo <= n <= hi:
            raise FieldError("value", Code.OUT_OF_RANGE,
                             _("Enter a number from %(lo)s to %(hi)s") % {"lo": lo, "hi": hi})
        return n
    return parse


def _temperature(v: Any) -> str:
    try:
        t = Decimal(str(v)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise FieldError("value", Code.NOT_NUMBER, _("Enter a temperature such as 37.3")) from None
    if not Decimal("36.0") <= t <= Decimal("40.0"):
        raise FieldError("value", Code.OUT_OF_RANGE, _("A fever threshold lies between 36.0 and 40.0 °C"))
    return str(t)


def _comparison(v: Any) -> str:
    if v not in (">=", ">"):
        raise FieldError("value", Code.INVALID_CHOICE, _("Use >= or >"))
    return v


def _quota(v: Any) -> dict[str, int | None]:
    if not isinstance(v, dict) or set(v) - set(PASS_KINDS):
        message = _("Give exits per day for: %(kinds)s") % {"kinds": ", ".join(PASS_KINDS)}
        raise FieldError("value", PolicyCode.INVALID_QUOTA, message)
    out: dict[str, int | None] = {}
    for kind in PASS_KINDS:
        n = v.get(kind)
        out[kind] = None if n in (None, "") else _int_range(0, 50)(n)
    return out


def _kinds(v: Any) -> list[str]:
    if not isinstance(v, list) or set(v) - set(PASS_KINDS):
        raise FieldError("value", Code.INVALID_CHOICE, _("Choose among: %(kinds)s") % {"kinds": ", ".join(PASS_KINDS)})
    return sorted(set(v), key=PASS_KINDS.index)


def _areas(v: Any) -> list[str]:
    if isinstance(v, str):
        v = [a for a in re.split(r"[,，、\s]+", v) if a]
    if not isinstance(v, list) or not all(isinstance(a, str) and 0 < len(a) <= 32 for a in v):
        raise FieldError("value", PolicyCode.INVALID_AREAS, _("List provinces or cities separated by commas"))
    return v


def _date(v: Any) -> str:
    try:
        return date.fromisoformat(str(v)).isoformat()
    except ValueError:
        raise FieldError("value", Code.DATE_FORMAT, _("Dates are written 2020-02-24")) from None


def _time(v: Any) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(v)):
        raise FieldError("value", Code.TIME_FORMAT, _("Times are written 16:00"))
    return str(v)


def _mode(v: Any) -> str:
    if v not in ("key_areas", "all", "none"):
        raise FieldError("value", Code.INVALID_CHOICE, _("Use key_areas, all or none"))
    return v


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: Any
    parse: Callable[[Any], Any]


SETTINGS: dict[str, Setting] = {s.key: s for s in [
    Setting("observation_days", _("Medical observation days"), 14, _int_range(1, 60)),
    Setting("fever_threshold", _("Fever threshold (°C)"), "37.3", _temperature),
    Setting("fever_comparison", _("Fever when temperature is"), ">=", _comparison),
    Setting("exit_quota", _("Exits per calendar day, by pass kind (empty: no limit)"),
            {"resident": None, "temporary": 1, "service": None, "vehicle": None}, _quota),
    Setting("id_required", _("Pass kinds that need the ID card shown"), ["temporary", "service"], _kinds),
    Setting("followups_per_day", _("Observation follow-ups per day"), 2, _int_range(1, 6)),
    Setting("key_areas", _("Key areas"), ["湖北省"], _areas),
    Setting("key_area_window_days", _("Days a key-area stay or contact keeps a person flagged"), 14,
            _int_range(1, 60)),
    Setting("returnee_observation", _("Returnees who start observation (key_areas, all, none)"), "key_areas", _mode),
    Setting("work_resumption_date", _("Work resumption date"), "2020-02-24", _date),
    Setting("report_cutoff", _("Daily report cut-off time"), "16:00", _time),
]}

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


def _may_set_at(actor: User, *, district: District | None, street: Street | None, community: Community | None) -> bool:
    scope = scope_of(actor)
    if scope.is_all:
        return True
    if community is not None:
        return scope.covers_whole_community(community.id) and actor.role in (Role.COMMUNITY_LEADER, Role.STREET_OFFICE)
    if street is not None:
        return actor.role == Role.STREET_OFFICE and actor.scope_grants.filter(street=street).exists()
    return False


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


_cache: TTLCache[dict[str, Any]] = TTLCache(30.0)


def policy_values_cached(*, community_id: int, on: date) -> dict[str, Any]:
    """Policy values for the hot paths (the gate scan), cached per process for 30 seconds.

    A change made on the policy page reaches every gate within that time.
    """

    def load() -> dict[str, Any]:
        community = Community.objects.select_related("street").get(pk=community_id)
        return {k: e.value for k, e in policy_in_force(community=community, on=on).items()}

    return _cache.get_or_set((community_id, on), load)


def policy_cache_clear() -> None:
    _cache.clear()
