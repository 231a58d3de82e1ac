"""Returns from key areas, read from the travel records (screening.TravelRecord): the one table every way
a return is learnt writes to — a door-to-door visit that found key-area travel, a returnee report the
office confirmed (landlord, self-report, office), and the office's own entry. One row per return (a
person back twice in the range is registered twice, as two journeys), dated by the return, else the
departure, else the day it was recorded (as the key-area flag dates it).

A place is in a key area by the same rule as the key-area flag (screening.flags.place_in_key_areas), with
the key areas in force on the last day of the range in the person's community. That rule is not SQL, so
the range and the community are filtered in SQL (indexed) and the places judged here, for the rows and
the count alike.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate

from fangkong.ledgers.sources._common import (
    CATEGORY,
    CONTACT,
    MEASURE,
    PERSON_FIELDS,
    community_ids,
    identifier,
    identity_cells,
    key_area_class,
    key_areas,
    local_bounds,
    local_date,
    user_name,
)
from fangkong.ledgers.spec import ExportContext
from fangkong.observation.models import Observation, ReturneeReport
from fangkong.passes.models import Pass
from fangkong.registry.models import Person, Tenancy
from fangkong.screening.flags import place_in_key_areas
from fangkong.screening.models import TravelRecord

# How the return became known, in the form's words (forms.md §1 col 28).
SOURCE = {"visit": "入户排查", "returnee": "返回人员报告", "office": "社区登记"}
VIA = {"landlord": "房东报告", "self": "自主申报", "office": "社区登记", "visit": "入户排查"}


def _in_range(ctx: ExportContext) -> QuerySet:
    start, end = local_bounds(ctx)
    dated = (Q(returned_on__range=(ctx.date_from, ctx.date_to))
             | Q(returned_on__isnull=True, left_on__range=(ctx.date_from, ctx.date_to))
             | Q(returned_on__isnull=True, left_on__isnull=True, recorded_at__gte=start, recorded_at__lt=end))
    return TravelRecord.objects.filter(dated, community_id__in=community_ids(ctx)).exclude(place="")


def _matcher(ctx: ExportContext):
    areas = {c.pk: key_areas(c.pk, ctx.date_to) for c in ctx.communities}
    return lambda community_id, place: place_in_key_areas(place, areas.get(community_id, [])) is not None


def travel_count(ctx: ExportContext) -> int:
    matches = _matcher(ctx)
    return sum(1 for community_id, place in _in_range(ctx).values_list("community_id", "place").iterator()
               if matches(community_id, place))


def _first(qs: QuerySet, field: str) -> Subquery:
    return Subquery(qs.values(field)[:1])


def _annotated(ctx: ExportContext) -> QuerySet:
    day = Coalesce("returned_on", "left_on", TruncDate("recorded_at"))
    # The observation this return led to: the person's first one that had not ended before the return.
    obs = (Observation.objects.filter(person=OuterRef("person_id"), planned_end__gte=OuterRef("day"))
           .order_by("start", "id"))
    report = (ReturneeReport.objects.filter(person=OuterRef("person_id"), arrival_date=OuterRef("returned_on"),
                                            status=ReturneeReport.Status.CONFIRMED).order_by("-id"))
    tenancy = Tenancy.objects.filter(tenant=OuterRef("person_id"), end_date__isnull=True).order_by("-start_date")
    pass_ = (Pass.objects.filter(person=OuterRef("person_id"), status=Pass.Status.ACTIVE,
                                 kind=Pass.Kind.TEMPORARY).order_by("-valid_until", "-id"))
    return (_in_range(ctx).annotate(day=day).annotate(
        obs_kind=_first(obs, "kind"), obs_start=_first(obs, "start"), obs_end=_first(obs, "planned_end"),
        obs_status=_first(obs, "status"), obs_ended_at=_first(obs, "ended_at"),
        via=_first(report, "via"),
        landlord_name=_first(tenancy, "landlord__name"), landlord_phone=_first(tenancy, "landlord__phone_masked"),
        landlord_phone_sealed=_first(tenancy, "landlord__phone_encrypted"),
        landlord_key=_first(tenancy, "landlord__row_key"),
        pass_number=_first(pass_, "number"),
        tenant=Subquery(tenancy.values("id")[:1]),
    ).order_by(F("day").asc(nulls_last=True), "id"))


FIELDS = (
    "community_id", "place", "left_on", "returned_on", "recorded_at", "transport", "contact", "note", "source", "day",
    "recorded_by__display_name", "recorded_by__username",
    *PERSON_FIELDS, "person__category", "person__workplace",
    "person__household__address", "person__household__liaison__member__name",
    "obs_kind", "obs_start", "obs_end", "obs_status", "obs_ended_at", "via",
    "landlord_name", "landlord_phone", "landlord_phone_sealed", "landlord_key", "pass_number", "tenant",
)


def travel_rows(ctx: ExportContext) -> Iterator[dict]:
    """One dict a return, with every key either ledger shows (each picks its columns)."""
    matches = _matcher(ctx)
    for r in _annotated(ctx).values(*FIELDS).iterator(chunk_size=2000):
        if not matches(r["community_id"], r["place"]):
            continue
        obs_kind, released = r["obs_kind"], r["obs_status"] not in (None, "active")
        category = r["person__category"]
        yield {
            **identity_cells(ctx, r),
            "category": CATEGORY.get(category, ""),
            "address": r["person__household__address"] or "",
            "workplace": r["person__workplace"],
            "place": r["place"],
            "key_class": key_area_class(r["place"]),
            "from_wuhan": "武汉" in r["place"],
            "left_on": r["left_on"],
            "returned_on": r["returned_on"] or r["day"],
            "transport": r["transport"],
            "contact": CONTACT.get(r["contact"], "否"),
            "measure": MEASURE.get(obs_kind, "无") if obs_kind else "无",
            "obs_start": r["obs_start"],
            "obs_end": r["obs_end"],
            "released": released if obs_kind else None,
            "released_on": local_date(r["obs_ended_at"]) if released else None,
            "lodging": "租住" if r["tenant"] else ("自有住房" if category == "registered" else "其他"),
            "landlord": r["landlord_name"] or "",
            "landlord_phone": identifier(ctx, Person, "phone", sealed=r["landlord_phone_sealed"] or "",
                                         row_key=r["landlord_key"], masked=r["landlord_phone"] or ""),
            "pass_number": r["pass_number"] or "",
            "source": VIA.get(r["via"] or "", "") or SOURCE.get(r["source"], ""),
            "liaison": r["person__household__liaison__member__name"] or "",
            "recorded_by": user_name(r["recorded_by__display_name"], r["recorded_by__username"]),
            "recorded_at": r["recorded_at"],
            "remarks": r["note"],
        }

