"""Local time: every per-day rule in Fangkong is per calendar day in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code, FieldError

# How far ahead of the server's clock a device's clock may run: phones set their time by the network,
# gates' tablets drift a few minutes. One tolerance for every client-supplied time.
CLIENT_CLOCK_TOLERANCE = timedelta(minutes=5)


def local_today() -> date:
    return timezone.localdate()


def client_instant(value: datetime | None, *, field: str, now: datetime | None = None) -> datetime:
    """The instant a client says something happened (a scan, a visit, a follow-up): now when absent,
    Asia/Shanghai when the device sent no offset, refused when it lies in the future."""
    now = now or timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):  # a phone's local time without offset: Asia/Shanghai
        value = timezone.make_aware(value)
    if value > now + CLIENT_CLOCK_TOLERANCE:
        raise FieldError(field, Code.IN_FUTURE, _("This time lies in the future"))
    return value
