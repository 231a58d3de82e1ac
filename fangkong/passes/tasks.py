"""Long pass work as background jobs, run by `fangkong worker` (django-tasks database backend): a bulk
issue, and the PDF of many cards.

A job's state lives in the cache (no table of its own) for a day: who started it, for which
community, how far it got, and what it made (the numbers issued, the PDF's file), so its page can show
a progress bar and then offer the result. With the database cache the progress written inside the
issuing transaction shows only when it commits; with Redis it shows as it goes. A print job writes
no transaction, so its progress shows page by page on either.
"""

from __future__ import annotations

import time
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django_tasks import task

from fangkong.accounts.models import User
from fangkong.core.errors import DomainError, FieldError
from fangkong.passes import selectors, services
from fangkong.passes.printing import pass_cards_pdf
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


def bulk_issue_start(*, actor: User, community: Community, kind: str, valid_from: date, valid_until: date,
                     by: str = "category", group: str = "", grid: int | None = None, building: int | None = None,
                     people: list[int] | tuple[int, ...] = (), label: str = "") -> str:
    """Queue a bulk issue and return its job id (with the immediate backend it has finished by then).
    `by` says who: a category `group`, a `grid`, a `building` or the `people` picked (ids); `label`
    names them on the job's page."""
    job_id = uuid.uuid4().hex
    target = {"by": by, "group": group, "grid": grid, "building": building, "people": [int(i) for i in people]}
    _update(job_id, id=job_id, user_id=actor.pk, community_id=community.pk, community=community.name, kind=kind,
            group=group, by=by, label=label, valid_from=valid_from.isoformat(), valid_until=valid_until.isoformat(),
            status="queued", candidates=0, done=0, total=0, issued=0, skipped=0, numbers=[], error="")
    run_bulk_issue.enqueue(job_id, actor.pk, community.pk, kind, target, valid_from.isoformat(),
                           valid_until.isoformat())
    return job_id


@task()
def run_bulk_issue(job_id: str, actor_id: int, community_id: int, kind: str, target: dict | str, valid_from: str,
                   valid_until: str) -> str:
    actor = User.objects.get(pk=actor_id)
    community = Community.objects.get(pk=community_id)
    if isinstance(target, str):  # a job queued before `target` replaced the category alone
        target = {"by": "category", "group": target}
    _update(job_id, status="running")
    try:
        people = list(selectors.bulk_candidates(
            actor=actor, community=community, by=target.get("by", "category"), group=target.get("group") or "",
            grid=target.get("grid"), building=target.get("building"), people=target.get("people") or ()))
        _update(job_id, candidates=len(people))
        made = services.pass_issue_bulk(
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


# --- the PDF of many cards ------------------------------------------------------------------------------

# Up to this many cards (six sheets, about a second) the PDF is written while the browser waits; more
# go through a print job with a progress bar.
DIRECT_MAX_CARDS = 48


def _print_key(job_id: str) -> str:
    return f"fangkong:passes:print:{job_id}"


def print_job_get(job_id: str) -> dict | None:
    return cache.get(_print_key(job_id))


def _print_update(job_id: str, **changes) -> dict:
    job = {**(print_job_get(job_id) or {}), **changes}
    cache.set(_print_key(job_id), job, JOB_TTL)
    return job


def _print_folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "prints"
    folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    return folder


def print_file(job: dict) -> Path:
    return _print_folder() / f"{job['id']}.pdf"


def _sweep() -> None:
    """Cards are personal data: a PDF older than its job (a day) is deleted."""
    cutoff = time.time() - JOB_TTL
    for old in _print_folder().glob("*.pdf"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            continue


def print_job_start(*, actor: User, numbers: list[str], part: int = 1, parts: int = 1) -> str:
    """Queue the PDF of the cards of `numbers` (at most MAX_CARDS_PER_PDF, all printable by the actor)."""
    passes = list(selectors.pass_print_list(actor=actor, numbers=numbers).values_list("number", "community_id"))
    if not passes:
        raise FieldError("number", "nothing_to_print", _("No pass matches: nothing to print"))
    if len(passes) > services.MAX_CARDS_PER_PDF:
        raise FieldError("number", "too_many", _("At most %(n)d cards in one PDF: narrow the filter")
                         % {"n": services.MAX_CARDS_PER_PDF})
    _sweep()
    per_community: dict[int, int] = {}
    for _number, community_id in passes:
        per_community[community_id] = per_community.get(community_id, 0) + 1
    job_id = uuid.uuid4().hex
    _print_update(job_id, id=job_id, user_id=actor.pk, per_community=per_community,
                  numbers=[number for number, _c in passes], cards=len(passes), part=part, parts=parts, status="queued",
                  done=0, total=len(passes), size=0, error="")
    run_print.enqueue(job_id, actor.pk)
    return job_id


@task()
def run_print(job_id: str, actor_id: int) -> str:
    actor = User.objects.get(pk=actor_id)
    job = _print_update(job_id, status="running")
    try:
        passes = services.pass_cards_printable(actor=actor, numbers=job["numbers"])
        _print_update(job_id, total=len(passes))
        pdf = pass_cards_pdf(passes, progress=lambda done, total: _print_update(job_id, done=done, total=total))
        path = print_file(job)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(pdf)
        tmp.chmod(0o600)
        tmp.replace(path)
    except DomainError as exc:
        _print_update(job_id, status="failed", error=exc.message)
        return "failed"
    except Exception:
        _print_update(job_id, status="failed", error=_("The PDF could not be made. Try again or tell support."))
        raise
    _print_update(job_id, status="done", done=len(passes), size=len(pdf))
    return "done"
