"""The missed-follow-up sweep of an alert list's scope: at most every `SWEEP_SCOPE_EVERY` a scope, from its
watermark in the shared cache; a scope of more than `SWEEP_INLINE_COMMUNITIES` (a district's or a city's
office) is swept by `fangkong worker` (django-tasks) rather than in the request. docs/lists-at-scale.md."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from fangkong.accounts.models import User
from fangkong.accounts.scope import scope_of
from fangkong.observation.services import missed_followups_sweep

# The alert lists sweep their scope before answering, at most this often per scope; each sweep looks only
# at the slots closed since the scope's last one (its watermark, kept in the shared cache a day). The
# worker's full sweep (`fangkong worker`) stays the safety net for anything a watermark could miss.
SWEEP_SCOPE_EVERY = timedelta(seconds=30)
# Beyond this many communities (a district's or a city's office) the sweep goes to the task workers: its
# 20,000 observations cost a second that the reader, and every request behind it in the worker, would wait.
SWEEP_INLINE_COMMUNITIES = 100
_WATERMARK_TTL = 24 * 3600


def missed_followups_sweep_in_scope(*, actor: User, now: datetime | None = None) -> int:
    """The sweep over the actor's communities, before a list of alerts is shown: the list is current
    without the worker (idempotent, like every sweep), within `SWEEP_SCOPE_EVERY`, at a cost that does
    not grow with the scope's history; a scope of more than `SWEEP_INLINE_COMMUNITIES` is swept by a
    task. Returns the alerts raised here (0 when a task does it)."""
    scope = scope_of(actor)
    ids = None if scope.is_all else sorted(scope.visible_community_ids)
    key = "fk:missed-sweep:" + ("all" if ids is None else hashlib.sha256(
        ",".join(map(str, ids)).encode()).hexdigest()[:32])
    now = now or timezone.now()
    swept = cache.get(key)
    if swept is not None and swept > now:  # the clock went back (a test, a corrected server): start over
        swept = None
    if swept is not None and now - swept < SWEEP_SCOPE_EVERY:
        return 0
    if ids is None or len(ids) > SWEEP_INLINE_COMMUNITIES:
        run_missed_followups_sweep.enqueue(ids, swept.isoformat() if swept else None, now.isoformat())
        raised = 0  # raised by the worker; the watermark moves now, so the next view enqueues the next window
    else:
        raised = missed_followups_sweep(now=now, community_ids=ids, after=swept)
    cache.set(key, now, _WATERMARK_TTL)
    return raised


@task()
def run_missed_followups_sweep(community_ids: list[int] | None, after: str | None, now: str) -> int:
    """`services.missed_followups_sweep` over the window (after, now], instants in ISO 8601."""
    return missed_followups_sweep(now=datetime.fromisoformat(now), community_ids=community_ids,
                                  after=datetime.fromisoformat(after) if after else None)
