"""The key-area flag: a stay in a key area, or contact with a case, inside the policy window.

Key areas are policy (effective-dated, per community). A place matches a key area when one contains
the other once the administrative suffixes are dropped, so "湖北省" matches "湖北武汉" and "武汉市"
matches "湖北省武汉市". A bare city name ("武汉") matches only if the city itself is a key area:
the visit and report forms ask for the province first for that reason (docs/decisions/0007).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from fangkong.accounts.roles import Perm
from fangkong.core.dates import local_today
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry import flags
from fangkong.registry.models import Person
from fangkong.screening.models import TravelRecord

_SUFFIX = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市|区|县)$")


def _core(name: str) -> str:
    name = re.sub(r"\s+", "", name or "")
    stripped = _SUFFIX.sub("", name)
    return stripped if len(stripped) >= 2 else name


def place_in_key_areas(place: str, areas: list[str]) -> str | None:
    """The key area `place` lies in, or None."""
    p = _core(place)
    if not p:
        return None
    for area in areas:
        a = _core(area)
        if a and (a in p or (len(p) >= 2 and p in a)):
            return area
    return None


def _record_day(r: TravelRecord) -> date:
    return r.returned_on or r.left_on or r.recorded_at.date()


def record_flag(r: TravelRecord, policy: dict, today: date) -> str | None:
    """Why this record flags its person today, or None."""
    if _record_day(r) < today - timedelta(days=int(policy["key_area_window_days"])):
        return None
    if r.contact == TravelRecord.Contact.CONFIRMED:
        return _("contact with a confirmed case")
    if r.contact == TravelRecord.Contact.SUSPECTED:
        return _("contact with a suspected case")
    area = place_in_key_areas(r.place, list(policy["key_areas"]))
    if area:
        return _("stayed in %(area)s until %(day)s") % {"area": r.place, "day": _record_day(r).isoformat()}
    return None


def key_area_flags(person_ids: list[int], *, today: date | None = None) -> dict[int, list[flags.Flag]]:
    today = today or local_today()
    # The widest window any policy allows bounds the query; each record is then judged by its own community's.
    earliest = today - timedelta(days=60)
    records = (TravelRecord.objects.filter(person_id__in=person_ids)
               .filter(Q(returned_on__gte=earliest) | Q(returned_on__isnull=True, left_on__gte=earliest)
                       | Q(returned_on__isnull=True, left_on__isnull=True, recorded_at__date__gte=earliest))
               .order_by("person_id", "-returned_on"))
    out: dict[int, list[flags.Flag]] = {}
    for r in records:
        if r.person_id in out:
            continue
        why = record_flag(r, policy_values_cached(community_id=r.community_id, on=today), today)
        if why:
            out[r.person_id] = [flags.Flag("key_area", _("Key-area history"), why)]
    return out


def person_is_flagged(person: Person, *, today: date | None = None) -> bool:
    return person.pk in key_area_flags([person.pk], today=today)


# A key-area stay or a contact with a case is health information: beside names only for health roles.
flags.register(perm=Perm.VIEW_HEALTH)(key_area_flags)
