"""医学观察登记表 (forms.md §4a): one row per observation that overlaps the range — started by its last
day and not ended before its first — with its follow-ups counted in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from fangkong.accounts.roles import Perm
from fangkong.ledgers.sources._common import (
    IDENTITY_COLUMNS,
    OBSERVATION_KIND,
    OBSERVATION_STATUS,
    PERSON_FIELDS,
    community_ids,
    identity_cells,
    local_bounds,
    local_date,
    user_name,
)
from fangkong.ledgers.spec import REMARKS, SERIAL, Column, ExportContext, Kind, LedgerSpec, Level
from fangkong.observation.models import FollowUp, Observation
from fangkong.observation.slots import due_slots
from fangkong.policy.selectors import policy_values_cached

FOLLOW = "随访情况"

COLUMNS = (
    SERIAL,
    *IDENTITY_COLUMNS,
    Column("address", "居住地址", width=24),
    Column("kind", "观察类型"),
    Column("site", "集中观察点(房间)"),
    Column("reason", "观察原因", width=16),
    Column("start", "观察开始日期", kind=Kind.DATE),
    Column("planned_end", "观察期满日期(计算)", kind=Kind.DATE),
    Column("days", "观察天数", kind=Kind.NUMBER),
    Column("status", "状态"),
    Column("followups_done", "已随访次数", group=FOLLOW, kind=Kind.NUMBER),
    Column("followups_due", "应随访次数", group=FOLLOW, kind=Kind.NUMBER),
    Column("last_temperature", "末次体温(℃)", group=FOLLOW, kind=Kind.DECIMAL),
    Column("released_on", "解除日期", kind=Kind.DATE),
    Column("responsible", "责任人(网格员)"),
    Column("liaison", "包保干部"),
    REMARKS,
)


def _overlapping(ctx: ExportContext) -> QuerySet:
    start, _end = local_bounds(ctx)
    return Observation.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start),
                                      community_id__in=community_ids(ctx), start__lte=ctx.date_to)


def observation_count(ctx: ExportContext) -> int:
    return _overlapping(ctx).count()


def _due(r: dict, per_day: int, until: datetime) -> int:
    last_day = min(r["planned_end"], local_date(r["ended_at"]) or r["planned_end"])
    return sum(1 for _slot in due_slots(start=r["start"], last_day=last_day, opened_at=r["opened_at"],
                                        now=until, per_day=per_day))


def observation_rows(ctx: ExportContext) -> Iterator[dict]:
    _start, end = local_bounds(ctx)
    until = min(end, timezone.now())  # slots due by the end of the range, none in the future
    last = FollowUp.objects.filter(observation=OuterRef("pk"), at__lt=end).order_by("-at", "-id")
    qs = (_overlapping(ctx)
          .annotate(done=Count("followups", filter=Q(followups__at__lt=end)),
                    last_temperature=Subquery(last.values("temperature")[:1]))
          .order_by("start", "id")
          .values("community_id", "kind", "site__name", "room", "reason", "start", "planned_end", "opened_at",
                  "status", "ended_at", "end_reason", "done", "last_temperature",
                  "responsible__display_name", "responsible__username",
                  *PERSON_FIELDS, "person__household__address",
                  "person__household__liaison__member__name"))
    per_day = {c.pk: int(policy_values_cached(community_id=c.pk, on=ctx.date_to)["followups_per_day"])
               for c in ctx.communities}
    for r in qs.iterator(chunk_size=2000):
        ended = r["status"] != Observation.Status.ACTIVE
        site = " ".join(x for x in (r["site__name"], r["room"]) if x)
        yield {
            **identity_cells(ctx, r),
            "address": r["person__household__address"] or "",
            "kind": OBSERVATION_KIND.get(r["kind"], r["kind"]),
            "site": site,
            "reason": r["reason"],
            "start": r["start"],
            "planned_end": r["planned_end"],
            "days": (r["planned_end"] - r["start"]).days,
            "status": OBSERVATION_STATUS.get(r["status"], r["status"]),
            "followups_done": r["done"],
            "followups_due": _due(r, per_day.get(r["community_id"], 2), until),
            "last_temperature": r["last_temperature"],
            "released_on": local_date(r["ended_at"]) if ended else None,
            "responsible": user_name(r["responsible__display_name"], r["responsible__username"]),
            "liaison": r["person__household__liaison__member__name"] or "",
            "remarks": r["end_reason"],
        }


SPEC = LedgerSpec(
    key="observation", title="居家/集中隔离医学观察登记表", columns=COLUMNS, perm=Perm.VIEW_OBSERVATION,
    level=Level.COMMUNITY, rows=observation_rows, count=observation_count,
)
