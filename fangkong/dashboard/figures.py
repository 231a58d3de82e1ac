"""The numbers behind each chart of the dashboard: counts only, no names, each family one aggregate query
over all the communities shown (a street's ten communities cost the same queries as one).

A street office (more than one community) gets one series per community; one community gets one series
per gate (gate traffic) or per kind. Day series run over the 14 days ending on the day asked for.
Decisions (docs/dashboard.md):
- gate traffic = allowed scans by local hour and direction; denials are counted by reason apart (a scan
  refused for two reasons counts once under each);
- under observation on a day = started on or before it and not ended before its end (any status);
- open alerts = open or acknowledged (not closed);
- coverage = the open rounds (not closed, started by the day): occupied households of the round's grids
  and those a visit of an open round saw;
- passes issued = by the day they were issued, revoked ones included; active = active and valid on the day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    JSONField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from fangkong.dashboard.area import Area
from fangkong.gates.models import Gate, Scan
from fangkong.gates.selectors import scan_made_between
from fangkong.observation.models import Alert, Observation
from fangkong.passes.errors import REASONS
from fangkong.passes.models import Pass
from fangkong.registry.models import Grid, Household, Person
from fangkong.screening.models import Round, Visit

DAYS = 14
CHARTS = ("gate_traffic", "denials", "observation", "coverage", "alerts", "passes")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _days(day: date) -> list[date]:
    return [day - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]


def _per_day(field: str, days: list[date]) -> dict[str, Count]:
    """One conditional count per day (d0 … d13) of rows whose `field` falls within that local day."""
    return {f"d{i}": Count("id", filter=Q(**{f"{field}__gte": _start_of(d),
                                             f"{field}__lt": _start_of(d + timedelta(days=1))}))
            for i, d in enumerate(days)}


def charts(*, area: Area, day: date) -> dict:
    """Every chart's numbers for the area on `day`, as plain JSON-ready data (the page and the API)."""
    scans = _scan_counts(area, day)  # one pass over the day's scans for traffic and refusals
    return {
        "day": day.isoformat(),
        "side_by_side": area.side_by_side,
        "communities": [{"code": c.code, "name": c.name} for c in area.communities],
        "gate_traffic": gate_traffic(area=area, day=day, scans=scans),
        "denials": denials(area=area, day=day, scans=scans),
        "observation": observation_by_day(area=area, day=day),
        "coverage": coverage_by_grid(area=area, day=day),
        "alerts": alerts(area=area, day=day),
        "passes": passes(area=area, day=day),
    }


class HourBin(Func):
    """The hour a timestamp falls in, as an instant: `date_trunc('hour', at)` in the connection's zone
    (UTC, as Django sets it). Asia/Shanghai is a whole number of hours from UTC, so a UTC hour is a local
    hour. Cheaper on 400,000 rows than EXTRACT(HOUR FROM at AT TIME ZONE …), whose group estimate also
    made PostgreSQL sort instead of hashing (docs/dashboard.md)."""

    template = "DATE_TRUNC('hour', %(expressions)s)"
    output_field = DateTimeField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="strftime('%%Y-%%m-%%d %%H:00:00', %(expressions)s)",
                              **extra)


def _scan_counts(area: Area, day: date) -> list[tuple[int, str, str, int, list, int]]:
    """The day's scans of the area's gates in one pass: (gate, direction, decision, local hour, reasons of a
    refusal, count). Gates serve the whole community: a grid worker sees their grid's community's gates.
    An offline scan counts on the day and in the hour the device made it (`scanned_at`), not its upload's."""
    scans = Scan.objects.filter(scan_made_between(_start_of(day), _start_of(day + timedelta(days=1))),
                                community_id__in=area.ids)
    refused = Case(When(decision=Scan.Decision.DENY, then=F("reasons")), default=Value(None),
                   output_field=JSONField())
    rows = (scans.annotate(bin=HourBin(Coalesce("scanned_at", "at")), refused=refused)
            .values("gate_id", "direction", "decision", "bin", "refused").annotate(n=Count("*"))
            .values_list("gate_id", "direction", "decision", "bin", "refused", "n").order_by())
    out = []
    for gate_id, direction, decision, bin_, reasons, n in rows:
        if isinstance(bin_, str):  # SQLite: the text of a naive UTC time
            bin_ = datetime.fromisoformat(bin_).replace(tzinfo=UTC)
        out.append((gate_id, direction, decision, timezone.localtime(bin_).hour, reasons, n))
    return out


def gate_traffic(*, area: Area, day: date, scans: list | None = None) -> dict:
    """Allowed scans by local hour, in and out: per gate for one community, per community for a street."""
    scans = _scan_counts(area, day) if scans is None else scans
    gates = list(Gate.objects.filter(community_id__in=area.ids).order_by("code").values_list("id", "code", "name",
                                                                                             "community_id"))
    if area.side_by_side:
        key_of = {g[0]: g[3] for g in gates}
        names = [(c.id, c.code, c.name) for c in area.communities]
    else:
        key_of = {g[0]: g[0] for g in gates}
        names = [(pk, code, name) for pk, code, name, _ in gates]
    series = {pk: {"code": code, "name": name, "in": [0] * 24, "out": [0] * 24} for pk, code, name in names}
    for gate_id, direction, decision, hour, _reasons, n in scans:
        if decision == Scan.Decision.ALLOW and key_of.get(gate_id) in series:
            series[key_of[gate_id]][direction][hour] += n
    out = list(series.values())
    for s in out:
        s["total"] = sum(s["in"]) + sum(s["out"])
    return {"by": "community" if area.side_by_side else "gate", "hours": list(range(24)), "series": out}


def denials(*, area: Area, day: date, scans: list | None = None) -> dict:
    """Refused scans of the day per reason code, per community. The database groups them by their list of
    reasons (a handful of distinct lists); the few groups are split per code here."""
    scans = _scan_counts(area, day) if scans is None else scans
    community_of = dict(Gate.objects.filter(community_id__in=area.ids).values_list("id", "community__code"))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    total = 0
    for gate_id, _direction, decision, _hour, reasons, n in scans:
        if decision != Scan.Decision.DENY:
            continue
        total += n
        for code in reasons or ["unknown"]:
            counts[code][community_of[gate_id]] += n
    out = [{"code": code, "label": str(REASONS.get(code, code)), "count": sum(by.values()),
            "by_community": {c.code: by.get(c.code, 0) for c in area.communities}}
           for code, by in counts.items()]
    out.sort(key=lambda r: (-r["count"], r["code"]))
    return {"refused_scans": total, "reasons": out}


def observation_by_day(*, area: Area, day: date) -> dict:
    """People under observation at the end of each of the last 14 days, home and centralised, per community."""
    days = _days(day)
    aggregates = {}
    for i, d in enumerate(days):
        end = _start_of(d + timedelta(days=1))
        aggregates[f"d{i}"] = Count("id", filter=Q(start__lte=d) & (Q(ended_at__isnull=True) | Q(ended_at__gte=end)))
    rows = (Observation.objects.filter(area.grid_q(), start__lte=day)
            .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=_start_of(days[0] + timedelta(days=1))))
            .values("community_id", "kind").annotate(**aggregates).order_by())
    series = {c.id: {"code": c.code, "name": c.name, "home": [0] * DAYS, "centralised": [0] * DAYS}
              for c in area.communities}
    for row in rows:
        series[row["community_id"]][row["kind"]] = [row[f"d{i}"] for i in range(DAYS)]
    return {"days": [d.isoformat() for d in days], "series": list(series.values())}


def coverage_by_grid(*, area: Area, day: date) -> dict:
    """The open screening rounds: occupied households per grid and how many a visit of an open round saw."""
    rounds = list(Round.objects.filter(community_id__in=area.ids, closed_at__isnull=True, starts_on__lte=day)
                  .prefetch_related("grids"))
    grids = {g.id: g for g in Grid.objects.filter(area.grid_q("id")).select_related("community")
             .order_by("community__code", "number")}
    in_round: set[int] = set()
    for rnd in rounds:
        limited = [g.id for g in rnd.grids.all()]
        in_round.update(limited or [g for g, grid in grids.items() if grid.community_id == rnd.community_id])
    in_round &= set(grids)
    seen = Visit.objects.filter(round__in=[r.id for r in rounds], outcome=Visit.Outcome.SEEN).values("household_id")
    counts = {}
    if in_round:
        counts = {g: (n, s) for g, n, s in (
            Household.objects.filter(grid_id__in=in_round)
            .filter(Exists(Person.objects.filter(household=OuterRef("pk"))))
            .annotate(was_seen=ExpressionWrapper(Q(id__in=seen), output_field=BooleanField()))
            .values("grid_id").annotate(n=Count("id"), s=Count("id", filter=Q(was_seen=True)))
            .values_list("grid_id", "n", "s").order_by())}
    rows = []
    for g, grid in grids.items():
        if g not in in_round:
            continue
        n, s = counts.get(g, (0, 0))
        rows.append({"community": grid.community.code, "grid": grid.name, "grid_number": grid.number,
                     "households": n, "seen": s, "percent": _percent(s, n)})
    households = sum(r["households"] for r in rows)
    seen_total = sum(r["seen"] for r in rows)
    return {"rounds": len(rounds), "rows": rows,
            "total": {"households": households, "seen": seen_total, "percent": _percent(seen_total, households)}}


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 100


def alerts(*, area: Area, day: date) -> dict:
    """Open alerts by kind now, and alerts raised on each of the last 14 days per community."""
    days = _days(day)
    open_rows = dict(Alert.objects.filter(area.grid_q(), status__in=(Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED))
                     .values("kind").annotate(n=Count("id")).values_list("kind", "n").order_by())
    aggregates = _per_day("raised_at", days)
    rows = (Alert.objects.filter(area.grid_q(), raised_at__gte=_start_of(days[0]),
                                 raised_at__lt=_start_of(day + timedelta(days=1)))
            .values("community_id").annotate(**aggregates).order_by())
    raised = {c.id: {"code": c.code, "name": c.name, "counts": [0] * DAYS} for c in area.communities}
    for row in rows:
        raised[row["community_id"]]["counts"] = [row[f"d{i}"] for i in range(DAYS)]
    return {"open": [{"kind": k.value, "label": str(k.label), "count": open_rows.get(k.value, 0)} for k in Alert.Kind],
            "days": [d.isoformat() for d in days], "raised": list(raised.values())}


def passes(*, area: Area, day: date) -> dict:
    """Passes issued on each of the last 14 days by kind, and passes active on the day by kind."""
    days = _days(day)
    qs = Pass.objects.filter(community_id__in=area.ids)
    if area.grid_ids is not None:
        qs = qs.filter(household__grid_id__in=area.grid_ids)
    aggregates = _per_day("issued_at", days)
    issued = {r["kind"]: r for r in qs.filter(issued_at__gte=_start_of(days[0]),
                                              issued_at__lt=_start_of(day + timedelta(days=1)))
              .values("kind").annotate(**aggregates).order_by()}
    active = dict(qs.filter(status=Pass.Status.ACTIVE, valid_from__lte=day, valid_until__gte=day)
                  .values("kind").annotate(n=Count("id")).values_list("kind", "n").order_by())
    return {"days": [d.isoformat() for d in days],
            "issued": [{"kind": k.value, "label": str(k.label),
                        "counts": [issued[k.value][f"d{i}"] if k.value in issued else 0 for i in range(DAYS)]}
                       for k in Pass.Kind],
            "active": [{"kind": k.value, "label": str(k.label), "count": active.get(k.value, 0)} for k in Pass.Kind]}
