"""Reads of the meetings app, shared by the pages, the API and the dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q

from fangkong.meetings.models import ActionItem


def actions_due(*, community_ids: Iterable[int], day: date) -> dict[int, dict]:
    """Per community: open action items, those due on `day` and those overdue (due before `day`, not done).
    One aggregate query; communities without open items are reported with zeros."""
    ids = list(community_ids)
    result = {cid: {"open": 0, "due_today": 0, "overdue": 0} for cid in ids}
    rows = (ActionItem.objects.filter(community_id__in=ids, done=False)
            .values("community_id")
            .annotate(open=Count("id"), due_today=Count("id", filter=Q(due=day)),
                      overdue=Count("id", filter=Q(due__lt=day)))
            .order_by())
    for row in rows:
        result[row["community_id"]] = {"open": row["open"], "due_today": row["due_today"],
                                       "overdue": row["overdue"]}
    return result
