"""Reads of pushed-down lists, scoped at this one door for the pages (views.py) and the API (api.py), and
the day counts the daily report reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Q

from fangkong.verification.models import VerificationRow

OUTCOMES = [choice.value for choice in VerificationRow.Outcome]


def verification_day_counts(*, community_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, dict]:
    """Per community id: rows received and checked in [start, end), the totals so far (< end) and the
    totals per outcome so far. One aggregate query; a community without rows gets zeros."""
    ids = list(community_ids)
    counts = {cid: _zero_counts() for cid in ids}
    if not ids:
        return counts
    checked_so_far = Q(outcome_at__lt=end) & ~Q(outcome="")
    aggregates = {
        "received": Count("id", filter=Q(received_at__gte=start, received_at__lt=end)),
        "checked": Count("id", filter=Q(outcome_at__gte=start, outcome_at__lt=end) & ~Q(outcome="")),
        "received_total": Count("id", filter=Q(received_at__lt=end)),
        "checked_total": Count("id", filter=checked_so_far),
        **{outcome: Count("id", filter=checked_so_far & Q(outcome=outcome)) for outcome in OUTCOMES},
    }
    rows = (VerificationRow.objects.filter(community_id__in=ids).order_by()
            .values("community_id").annotate(**aggregates))
    for row in rows:
        cid = row.pop("community_id")
        counts[cid] = {key: int(value) for key, value in row.items()}
    return counts


def _zero_counts() -> dict[str, int]:
    return dict.fromkeys(["received", "checked", "received_total", "checked_total", *OUTCOMES], 0)
