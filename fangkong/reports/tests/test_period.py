"""The period and the deadline of a daily report, from the two policy values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from fangkong.policy.services import policy_set
from fangkong.reports.period import period_from, report_period

D = date(2020, 2, 6)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def test_the_calendar_day_is_due_at_the_next_days_cutoff():
    p = period_from(D, period_end="00:00", cutoff="16:00")
    assert (p.start, p.end) == (local(D, 0), local(D + timedelta(days=1), 0))
    assert p.deadline == local(D + timedelta(days=1), 16)


def test_sixteen_to_sixteen_is_the_day_before_16_to_the_day_16():
    p = period_from(D, period_end="16:00", cutoff="16:00")
    assert (p.start, p.end) == (local(D - timedelta(days=1), 16), local(D, 16))
    assert p.deadline == local(D, 16)  # the cut-off at or after the end: the end itself


def test_a_cutoff_later_the_same_day_is_due_that_day():
    assert period_from(D, period_end="16:00", cutoff="17:00").deadline == local(D, 17)


def test_a_cutoff_earlier_in_the_day_than_the_end_is_due_the_next_day():
    assert period_from(D, period_end="16:00", cutoff="09:30").deadline == local(D + timedelta(days=1), 9, 30)


def test_times_are_asia_shanghai():
    p = period_from(D, period_end="00:00", cutoff="16:00")
    assert p.start.astimezone(UTC) == datetime(2020, 2, 5, 16, tzinfo=UTC)


def test_the_policy_in_force_on_the_day_decides(places, personas):
    home = places["home"]
    policy_set(actor=personas["admin"], community=home, key="report_period_end", value="16:00",
               effective_from=D + timedelta(days=1))
    policy_set(actor=personas["admin"], community=home, key="report_cutoff", value="18:00",
               effective_from=D + timedelta(days=1))
    before = report_period(community=home, day=D)
    after = report_period(community=home, day=D + timedelta(days=1))
    assert before.end == local(D + timedelta(days=1), 0) and before.deadline == local(D + timedelta(days=1), 16)
    assert after.end == local(D + timedelta(days=1), 16) and after.deadline == local(D + timedelta(days=1), 18)
    # The neighbour keeps the defaults.
    neighbour = report_period(community=places["neighbour"], day=D + timedelta(days=1))
    assert neighbour.deadline == local(D + timedelta(days=2), 16)
