"""Local time: every per-day rule in Fangkong is per calendar day in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code, FieldError

# How far ahead of the server's clock a device's clock may run: phones set their time by the network,
# gates' tablets drift a few minutes. One tolerance for every client-supplied time.
CLIENT_CLOCK_TOLERANCE = timedelta(minutes=5)

# Every date a client sends lies in these years: outside them it is a typo, and near the ends of
# Python's range (0001-01-01 at +14:00, 9999-12-31 plus a day) arithmetic and time-zone conversion fail.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)


def client_date(value: date | None, *, field: str) -> date | None:
    """A date (or the date of a time) a client sent, refused outside 2000-2100."""
    day = value.date() if isinstance(value, datetime) else value
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise FieldError(field, Code.OUT_OF_RANGE, _("Dates lie between 2000 and 2100"))
    return value


def local_today() -> date:
    return timezone.localdate()


def client_instant(value: datetime | None, *, field: str, now: datetime | None = None) -> datetime:
    """The instant a client says something happened (a scan, a visit, a follow-up): now when absent,
    Asia/Shanghai when the device sent no offset, refused when it lies in the future."""
    now = now or timezone.now()
    if value is None:
        return now
    client_date(value, field=field)  # before any conversion, which overflows at the ends of the range
    if timezone.is_naive(value):  # a phone's local time without offset: Asia/Shanghai
        value = timezone.make_aware(value)
    if value > now + CLIENT_CLOCK_TOLERANCE:
        raise FieldError(field, Code.IN_FUTURE, _("This time lies in the future"))
    return value
