"""The missed-follow-up sweep of a large scope, run by `fangkong worker` (django-tasks) rather than in the
request of the district's or city's office that asked for its alert list (services.SWEEP_INLINE_COMMUNITIES)."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from fangkong.observation.services import missed_followups_sweep


@task()
def run_missed_followups_sweep(community_ids: list[int] | None, after: str | None, now: str) -> int:
    """`services.missed_followups_sweep` over the window (after, now], instants in ISO 8601."""
    return missed_followups_sweep(now=datetime.fromisoformat(now), community_ids=community_ids,
                                  after=datetime.fromisoformat(after) if after else None)
