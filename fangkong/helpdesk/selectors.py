"""Reads of residents' requests, shared by the pages, the API and the dashboard."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import NotFound
from fangkong.helpdesk.models import Request
from fangkong.helpdesk.services import token_hash

LIST_LIMIT = 200


def _overdue_q(now) -> Q:
    return Q(answered_at__isnull=True, answer_due_at__lt=now)


def with_timings(qs: QuerySet[Request]) -> QuerySet[Request]:
    """Annotate `overdue` (unanswered past its stored target) and `late` (answered after it), in SQL."""
    now = timezone.now()
    return qs.annotate(
        overdue=Case(When(_overdue_q(now), then=Value(True)), default=Value(False), output_field=BooleanField()),
        late=ExpressionWrapper(Q(answered_at__gt=F("answer_due_at")), output_field=BooleanField()),
    )


def request_list(*, actor: User, status: str = "", overdue: bool = False, community_ids: Iterable[int] | None = None,
                 before: int | None = None, limit: int = LIST_LIMIT) -> list[Request]:
    """The newest requests in scope (bounded; `before` pages by id), filtered by status and overdue."""
    require(actor, Perm.VIEW_REQUESTS)
    qs = Request.objects.for_scope(scope_of(actor)).select_related("community")
    if community_ids is not None:
        qs = qs.filter(community_id__in=list(community_ids))
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(_overdue_q(timezone.now()))
    if before:
        qs = qs.filter(pk__lt=before)
    return list(with_timings(qs).order_by("-id")[:limit])


def request_get(*, actor: User, pk: int) -> Request:
    require(actor, Perm.VIEW_REQUESTS)
    req = with_timings(Request.objects.for_scope(scope_of(actor)).select_related(
        "community", "received_by", "answered_by", "handled_by", "closed_by")).filter(pk=pk).first()
    if req is None:
        raise NotFound(_("No such request in your scope"))
    return req


def request_by_token(*, community_id: int, token: str) -> Request | None:
    """The request behind a private follow link, or None (unknown tokens and other communities look the same)."""
    if not token or len(token) > 64:
        return None
    return Request.objects.filter(token_hash=token_hash(token), community_id=community_id).first()


def requests_overdue(*, community_ids: Iterable[int]) -> int:
    """How many requests of these communities wait past their first-answer target (for the dashboard)."""
    return Request.objects.filter(_overdue_q(timezone.now()), community_id__in=list(community_ids)).count()


def minutes_between(start, end) -> int | None:
    return None if end is None else int((end - start).total_seconds() // 60)


PAGE_SIZE = 50
