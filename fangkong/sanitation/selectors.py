"""Reads of the sanitation app, shared by pages, API, the daily report and the dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from fangkong.accounts.scope import scope_of
from fangkong.core.errors import FieldError, NotFound
from fangkong.registry.models import Community
from fangkong.sanitation.errors import SanitationCode
from fangkong.sanitation.models import Area, Disinfection, Patrol


def areas_with_state(queryset: QuerySet[Area], *, at: datetime) -> QuerySet[Area]:
    """Annotate last_at (last disinfection at or before `at`), due_at and overdue — all in SQL.
    Overdue: last disinfection (or the area's creation, if never) plus the interval lies before `at`."""
    last = (Disinfection.objects.filter(area=OuterRef("pk"), at__lte=at)
            .order_by("-at").values("at")[:1])
    return (queryset
            .annotate(last_at=Subquery(last, output_field=DateTimeField()))
            .annotate(due_at=ExpressionWrapper(Coalesce(F("last_at"), F("created_at")) + F("interval"),
                                               output_field=DateTimeField()))
            .annotate(overdue=Case(When(due_at__lt=at, then=Value(True)), default=Value(False),
                                   output_field=BooleanField())))


def _areas_at(community_ids: Iterable[int], at: datetime) -> QuerySet[Area]:
    return Area.objects.filter(community_id__in=list(community_ids), active=True, created_at__lte=at)


def areas_overdue(*, community_ids: Iterable[int], at: datetime) -> dict[int, int]:
    """Per community, the number of active areas overdue at `at` (communities without any omitted)."""
    rows = (areas_with_state(_areas_at(community_ids, at), at=at).filter(overdue=True)
            .values("community_id").annotate(n=Count("id")).values_list("community_id", "n"))
    return dict(rows)


def sanitation_day_counts(*, community_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, dict]:
    """Per community: disinfections and patrols in [start, end), areas existing at `end`, areas overdue at `end`.
    Every community asked for is in the answer (zeros when nothing)."""
    ids = list(community_ids)
    result = {cid: {"disinfections": 0, "areas": 0, "overdue": 0, "patrols": 0} for cid in ids}
    for cid, n in (Disinfection.objects.filter(community_id__in=ids, at__gte=start, at__lt=end)
                   .values("community_id").annotate(n=Count("id")).values_list("community_id", "n")):
        result[cid]["disinfections"] = n
    for cid, n in (Patrol.objects.filter(community_id__in=ids, started_at__gte=start, started_at__lt=end)
                   .values("community_id").annotate(n=Count("id")).values_list("community_id", "n")):
        result[cid]["patrols"] = n
    for cid, total, overdue in (areas_with_state(_areas_at(ids, end), at=end).values("community_id")
                                .annotate(total=Count("id"), late=Count("id", filter=Q(overdue=True)))
                                .values_list("community_id", "total", "late")):
        result[cid]["areas"] = total
        result[cid]["overdue"] = overdue
    return result


def area_list(*, actor, at: datetime, community_id: int | None = None, overdue: bool = False) -> QuerySet[Area]:
    """Areas in the actor's scope with their state; overdue first, then the longest overdue."""
    qs = Area.objects.for_scope(scope_of(actor)).filter(active=True).select_related("community")
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    qs = areas_with_state(qs, at=at)
    if overdue:
        qs = qs.filter(overdue=True)
    return qs.order_by("-overdue", "due_at", "id")


def area_get(*, actor, pk: int) -> Area:
    area = Area.objects.for_scope(scope_of(actor)).filter(pk=pk, active=True).select_related("community").first()
    if area is None:
        raise NotFound(_("No such area in your scope"))
    return area


def disinfection_list(*, actor, limit: int = 200) -> QuerySet[Disinfection]:
    return (Disinfection.objects.for_scope(scope_of(actor)).select_related("area", "by")
            .order_by("-at", "-id")[:limit])


def patrol_list(*, actor, limit: int = 200) -> QuerySet[Patrol]:
    return (Patrol.objects.for_scope(scope_of(actor)).select_related("area", "by", "community")
            .order_by("-started_at", "-id")[:limit])


def community_of(*, actor, code: str | None) -> Community:
    """The community named, in scope (404 otherwise), or the actor's only community."""
    communities = Community.objects.for_scope(scope_of(actor))
    if code:
        community = communities.filter(code=code).first()
        if community is None:
            raise NotFound(_("No such community in your scope"))
        return community
    found = list(communities[:2])
    if len(found) != 1:
        raise FieldError("community", SanitationCode.COMMUNITY_REQUIRED, _("Give the community"))
    return found[0]
