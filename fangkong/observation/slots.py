"""Follow-up slots: with N follow-ups a day, the waking day 06:00–22:00 (Asia/Shanghai) is cut into N
equal windows; each must hold one follow-up by its end. Twice a day: by 14:00 and by 22:00.

A follow-up counts for the window its time falls in (before 06:00: the first, after 22:00: the last).
A slot is missed once its deadline has passed with no follow-up in it; slots that closed before the
observation was entered into the system are not counted (docs/decisions/0007).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.utils import timezone

DAY_START = time(6, 0)
WAKING_MINUTES = 16 * 60


def slot_of(at: datetime, per_day: int) -> tuple[date, int]:
    local = timezone.localtime(at)
    minutes = (local.hour - DAY_START.hour) * 60 + local.minute
    slot = minutes * per_day // WAKING_MINUTES
    return local.date(), max(0, min(per_day - 1, slot))


def slot_deadline(day: date, slot: int, per_day: int) -> datetime:
    minutes = DAY_START.hour * 60 + WAKING_MINUTES * (slot + 1) // per_day
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return timezone.make_aware(naive, timezone.get_current_timezone())


def due_slots(*, start: date, last_day: date, opened_at: datetime, now: datetime, per_day: int
              ) -> Iterator[tuple[date, int, datetime]]:
    """Slots of days start..last_day whose deadline lies in (opened_at, now]."""
    day = start
    while day <= last_day:
        for slot in range(per_day):
            deadline = slot_deadline(day, slot, per_day)
            if deadline > now:
                return
            if deadline > opened_at:
                yield day, slot, deadline
        day += timedelta(days=1)
