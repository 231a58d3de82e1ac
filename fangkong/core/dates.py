"""Local time: every per-day rule in Fangkong is per calendar day in Asia/Shanghai."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def local_today() -> date:
    return timezone.localdate()
