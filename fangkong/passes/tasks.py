"""Bulk pass issue as a background job, run by `fangkong worker` (django-tasks database backend).

A job's state lives in the cache (no table of its own) for a day: who started it, for which
community, how far it got, and the numbers issued, so the job page can offer them for printing.
With the database cache the progress written inside the issuing transaction shows only when it
commits; with Redis it shows as it goes.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.cache import cache
from django.utils.translation import gettext as _
from django_tasks import task

from fangkong.accounts.models import User
from fangkong.core.errors import DomainError
from fangkong.passes.selectors import bulk_candidates
from fangkong.passes.services import pass_issue_bulk
from fangkong.registry.models import Community

JOB_TTL = 24 * 3600


def _key(job_id: str) -> str:
    return f"fangkong:passes:bulk:{job_id}"


def bulk_job_get(job_id: str) -> dict | None:
    return cache.get(_key(job_id))


def _update(job_id: str, **changes) -> dict:
    job = {**(bulk_job_get(job_id) or {}), **changes}
    cache.set(_key(job_id), job, JOB_TTL)
    return job


def bulk_issue_start(*, actor: User, community: Community, kind: str, group: str, valid_from: date,
                     valid_until: date) -> str:
    """Queue a bulk issue and return its job id (with the immediate backend it has finished by then)."""
    job_id = uuid.uuid4().hex
    _update(job_id, id=job_id, user_id=actor.pk, community_id=community.pk, community=community.name, kind=kind,
            group=group, valid_from=valid_from.isoformat(), valid_until=valid_until.isoformat(), status="queued",
            candidates=0, done=0, total=0, issued=0, skipped=0, numbers=[], error="")
    run_bulk_issue.enqueue(job_id, actor.pk, community.pk, kind, group, valid_from.isoformat(),
                           valid_until.isoformat())
    return job_id


@task()
def run_bulk_issue(job_id: str, actor_id: int, community_id: int, kind: str, group: str, valid_from: str,
                   valid_until: str) -> str:
    actor = User.objects.get(pk=actor_id)
    community = Community.objects.get(pk=community_id)
    _update(job_id, status="running")
    try:
        people = list(bulk_candidates(actor=actor, community=community, group=group))
        _update(job_id, candidates=len(people))
        made = pass_issue_bulk(
            actor=actor, community=community, kind=kind, valid_from=date.fromisoformat(valid_from),
            valid_until=date.fromisoformat(valid_until), people=people,
            progress=lambda done, total: _update(job_id, done=done, total=total),
        )
    except DomainError as exc:
        _update(job_id, status="failed", error=exc.message)
        return "failed"
    except Exception:
        _update(job_id, status="failed", error=_("The job failed; nothing was issued. Try again or tell support."))
        raise
    _update(job_id, status="done", issued=len(made), skipped=len(people) - len(made),
            numbers=[p.number for p in made])
    return "done"
