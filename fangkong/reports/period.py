"""The period a daily report covers and when it is due, from the policy in force on its day.

`report_period_end` "00:00" is the calendar day D in Asia/Shanghai (D 00:00 → D+1 00:00); any other
time T makes it D-1 T → D T (e.g. 16:00 to 16:00, as 靖江 reported). The report is due at the first
`report_cutoff` at or after the period's end: the calendar day with a 16:00 cut-off is due D+1 16:00;
a period ending D 16:00 with a cut-off of 17:00 is due D 17:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.models import Community


@dataclass(frozen=True)
class Period:
    day: date
    start: datetime
    end: datetime
    deadline: datetime


def _clock(value: str) -> time:
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def _at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def period_from(day: date, *, period_end: str, cutoff: str) -> Period:
    """The period of day `day` for the two policy values (pure: no database)."""
    end_clock = _clock(period_end)
    if end_clock == time(0, 0):
        start, end = _at(day, end_clock), _at(day + timedelta(days=1), end_clock)
    else:
        start, end = _at(day - timedelta(days=1), end_clock), _at(day, end_clock)
    local_end = timezone.localtime(end)
    deadline = _at(local_end.date(), _clock(cutoff))
    if deadline < end:
        deadline = _at(local_end.date() + timedelta(days=1), _clock(cutoff))
    return Period(day, start, end, deadline)


def report_period(*, community: Community | int, day: date) -> Period:
    """The period and deadline of `community`'s report of `day`, by the policy in force on that day."""
    community_id = community if isinstance(community, int) else community.id
    policy = policy_values_cached(community_id=community_id, on=day)
    return period_from(day, period_end=policy["report_period_end"], cutoff=policy["report_cutoff"])
