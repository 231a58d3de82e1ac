"""The periods of the twice-daily briefings (一日两会): each covers the time since the previous one.

The morning briefing of D covers D-1 at the evening time → D at the morning time; the evening one
D at the morning time → D at the evening time. The times are the policy (`briefing_morning`,
`briefing_evening`) in force for the community on the day each end falls on, in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from fangkong.policy.selectors import policy_values_cached

MORNING, EVENING = "morning", "evening"


def _clock(value: str) -> time:
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def _at(community_id: int, day: date, key: str) -> datetime:
    policy = policy_values_cached(community_id=community_id, on=day)
    return timezone.make_aware(datetime.combine(day, _clock(policy[key])))


def briefing_period(*, community_id: int, day: date, kind: str) -> tuple[datetime, datetime]:
    if kind == MORNING:
        return (_at(community_id, day - timedelta(days=1), "briefing_evening"),
                _at(community_id, day, "briefing_morning"))
    return _at(community_id, day, "briefing_morning"), _at(community_id, day, "briefing_evening")
