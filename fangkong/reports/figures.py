"""The figures of the daily report (forms.md §2), computed from the data the system already holds.

Every family of figures is one aggregate query grouped by community over all the communities asked
for at once (and per distinct period, when communities' policies differ): the street's roll-up of 50
communities costs the same dozen queries as one community's report. Never a query per community.

"today" figures count what happened within the period [start, end); "now" figures are as of the
period's end, or now when that is earlier (a draft of today); "total" figures are cumulative up to
the period's end. Decisions (docs/reports.md):
- a fever found = a person with a fever alert (a follow-up at or over the threshold) or a fever
  refusal at a gate, raised within the period, counted once;
- a key-area returnee = a person with a travel record (from a visit, a confirmed returnee report or
  the office) whose place names a key area in force on the day; new = their first such record was
  made within the period; of whom from Wuhan = the place names 武汉;
- screened = a household with a visit whose outcome is "seen", a person seen present at a visit;
- temporary passes = issued (revoked ones included: they were issued), cumulative and within the period;
- staff on duty = distinct shift leaders plus distinct staff of the shifts overlapping the period;
- follow-ups due = people under observation now × follow-ups a day (policy); abnormal = a fever or a
  symptom at a follow-up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connections, router
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.gates.models import Gate, Scan, Shift, Visitor
from fangkong.gates.selectors import scan_made_between
from fangkong.observation.models import Alert, FollowUp, Observation
from fangkong.passes.models import Pass
from fangkong.policy.selectors import policy_values_cached
from fangkong.reports.period import Period
from fangkong.sanitation.selectors import sanitation_day_counts
from fangkong.screening.flags import _core
from fangkong.screening.models import TravelRecord, VisitPerson
from fangkong.screening.models import Visit as ScreeningVisit
from fangkong.verification.selectors import verification_day_counts


@dataclass(frozen=True)
class Figure:
    key: str
    label_zh: str
    label: object  # lazy English label (gettext)
    # An epidemic figure: a report whose epidemic figures and typed cases are all zero is a zero report
    # (零报告). Work figures (doors knocked, scans, passes) do not make a report non-zero.
    epidemic: bool = False


FIGURES: list[Figure] = [
    Figure("screened_households_today", "当日入户排查户数", _("Households screened today")),
    Figure("screened_people_today", "当日入户排查人数", _("People screened today")),
    Figure("screened_households_total", "累计排查户数", _("Households screened, cumulative")),
    Figure("screened_people_total", "累计排查人数", _("People screened, cumulative")),
    Figure("key_area_returnees_new", "重点地区返回人员当日新增", _("Key-area returnees, new today"), True),
    Figure("key_area_returnees_total", "重点地区返回人员累计", _("Key-area returnees, cumulative")),
    Figure("wuhan_returnees_new", "其中武汉当日新增", _("Of whom from Wuhan, new today"), True),
    Figure("wuhan_returnees_total", "其中武汉累计", _("Of whom from Wuhan, cumulative")),
    Figure("home_observation_now", "在管居家医学观察人数", _("Under home medical observation now"), True),
    Figure("centralised_observation_now", "集中隔离医学观察人数", _("Under centralised medical observation now"),
           True),
    Figure("observations_started_today", "当日新增医学观察人数", _("Observations started today"), True),
    Figure("released_today", "当日解除观察人数", _("Released from observation today"), True),
    Figure("released_total", "累计解除观察人数", _("Released from observation, cumulative")),
    Figure("followups_due_today", "当日应随访人次", _("Follow-ups due today")),
    Figure("followups_done_today", "当日已随访人次", _("Follow-ups done today")),
    Figure("followups_abnormal_today", "随访异常人次", _("Follow-ups with fever or symptoms today"), True),
    Figure("fever_found_today", "当日发现发热人员", _("People with fever found today"), True),
    Figure("temporary_passes_issued_today", "当日发放临时通行证", _("Temporary passes issued today")),
    Figure("temporary_passes_total", "累计发放临时通行证", _("Temporary passes issued, cumulative")),
    Figure("visitors_registered_today", "外来人员登记数", _("Outsiders registered at the gates today")),
    Figure("gates", "卡口(门岗)数", _("Gates")),
    Figure("staff_on_duty", "值守人数", _("Staff on duty")),
    Figure("gate_checks_today", "检查人次", _("Gate checks today")),
    Figure("vehicles_checked_today", "检查车辆数", _("Vehicles checked today")),
    Figure("gate_denials_today", "劝返(拒绝通行)人次", _("Refused at the gates today")),
    Figure("people_turned_back_today", "劝返人员数", _("People turned back today")),
    Figure("verification_rows_received", "上级下发核查当日下发数", _("Pushed-down rows received today")),
    Figure("verification_rows_checked", "上级下发核查当日已核查", _("Pushed-down rows checked today")),
    Figure("verification_rows_received_total", "上级下发累计下发数", _("Pushed-down rows received, cumulative")),
    Figure("verification_rows_checked_total", "上级下发累计已核查", _("Pushed-down rows checked, cumulative")),
    Figure("verification_info_wrong", "其中信息有误", _("Of which information wrong")),
    Figure("verification_missed", "其中漏排", _("Of which missed (now registered)")),
    Figure("verification_not_here", "其中不在本地居住", _("Of which not living here")),
    Figure("verification_outside_window", "其中超过排查期", _("Of which outside the screening window")),
    Figure("disinfections_today", "当日消毒次数", _("Disinfections today")),
    Figure("disinfection_areas", "消毒区域数", _("Public areas on a disinfection schedule")),
    Figure("disinfection_areas_overdue", "逾期未消毒区域数", _("Areas overdue for disinfection")),
    Figure("patrols_today", "当日巡查次数", _("Patrols today")),
]
FIGURE_KEYS = [f.key for f in FIGURES]
EPIDEMIC_KEYS = [f.key for f in FIGURES if f.epidemic]
WUHAN = "武汉"


def compute_figures(*, periods: dict[int, Period]) -> dict[int, dict[str, int]]:
    """The figures of each community id for its period: one aggregate query per family and period."""
    out = {cid: dict.fromkeys(FIGURE_KEYS, 0) for cid in periods}
    groups: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
    for cid, p in periods.items():
        groups[(p.start, p.end)].append(cid)
    now = timezone.now()
    for (start, end), ids in groups.items():
        as_of = min(end, now)
        day = periods[ids[0]].day
        for family in (_screening, _observation, _fevers, _passes, _gates, _verification, _sanitation):
            for cid, values in family(ids, start, end, as_of).items():
                out[cid].update(values)
        for cid, values in _returnees(ids, start, end, day).items():
            out[cid].update(values)
    return out


def _by_community(rows: Iterable[dict]) -> dict[int, dict[str, int]]:
    return {row.pop("community_id"): {k: int(v or 0) for k, v in row.items()} for row in rows}


def _grouped(qs, **aggregates) -> dict[int, dict[str, int]]:
    return _by_community(qs.order_by().values("community_id").annotate(**aggregates))


def _screening(ids: list[int], start: datetime, end: datetime, as_of: datetime) -> dict[int, dict[str, int]]:
    seen = Q(outcome=ScreeningVisit.Outcome.SEEN)
    today = Q(at__gte=start, at__lt=end)
    out = _grouped(ScreeningVisit.objects.filter(community_id__in=ids, at__lt=end),
                   screened_households_today=Count("household", distinct=True, filter=seen & today),
                   screened_households_total=Count("household", distinct=True, filter=seen))
    people = _by_community(
        VisitPerson.objects.filter(visit__community_id__in=ids, visit__at__lt=end, present=True).order_by()
        .values(community_id=F("visit__community_id"))
        .annotate(screened_people_today=Count("person", distinct=True,
                                              filter=Q(visit__at__gte=start, visit__at__lt=end)),
                  screened_people_total=Count("person", distinct=True)))
    for cid, values in people.items():
        out.setdefault(cid, {}).update(values)
    return out


def _observation(ids: list[int], start: datetime, end: datetime, as_of: datetime) -> dict[int, dict[str, int]]:
    # Under observation at `as_of`: opened by then and not ended by then (whatever the status since).
    live = Q(opened_at__lte=as_of) & (Q(ended_at__isnull=True) | Q(ended_at__gt=as_of))
    completed = Q(status=Observation.Status.COMPLETED)
    out = _grouped(
        Observation.objects.filter(community_id__in=ids, opened_at__lt=end),
        home_observation_now=Count("id", filter=live & Q(kind=Observation.Kind.HOME)),
        centralised_observation_now=Count("id", filter=live & Q(kind=Observation.Kind.CENTRALISED)),
        observations_started_today=Count("id", filter=Q(opened_at__gte=start)),
        released_today=Count("id", filter=completed & Q(ended_at__gte=start, ended_at__lt=end)),
        released_total=Count("id", filter=completed & Q(ended_at__lt=end)),
    )
    followups = _by_community(
        FollowUp.objects.filter(observation__community_id__in=ids, at__gte=start, at__lt=end).order_by()
        .values(community_id=F("observation__community_id"))
        .annotate(followups_done_today=Count("id"),
                  followups_abnormal_today=Count("id", filter=Q(fever=True) | ~Q(symptoms=[]))))
    for cid, values in followups.items():
        out.setdefault(cid, {}).update(values)
    for cid in ids:
        values = out.setdefault(cid, {})
        per_day = int(policy_values_cached(community_id=cid, on=timezone.localtime(start).date())
                      ["followups_per_day"])
        values["followups_due_today"] = (values.get("home_observation_now", 0)
                                         + values.get("centralised_observation_now", 0)) * per_day
    return out


def _fevers(ids: list[int], start: datetime, end: datetime, as_of: datetime) -> dict[int, dict[str, int]]:
    return _grouped(Alert.objects.filter(community_id__in=ids, raised_at__gte=start, raised_at__lt=end,
                                         kind__in=[Alert.Kind.FEVER, Alert.Kind.GATE_FEVER]),
                    fever_found_today=Count("person", distinct=True))


def _passes(ids: list[int], start: datetime, end: datetime, as_of: datetime) -> dict[int, dict[str, int]]:
    return _grouped(Pass.objects.filter(community_id__in=ids, kind=Pass.Kind.TEMPORARY, issued_at__lt=end),
                    temporary_passes_total=Count("id"),
                    temporary_passes_issued_today=Count("id", filter=Q(issued_at__gte=start)))


def _gates(ids: list[int], start: datetime, end: datetime, as_of: datetime) -> dict[int, dict[str, int]]:
    deny = Q(decision=Scan.Decision.DENY)
    # A day's scans are the biggest table the report reads (2,000,000 rows for a district): the plain
    # counts in one pass the database may run in parallel, the people refused apart (below).
    scans = _grouped(Scan.objects.filter(scan_made_between(start, end), community_id__in=ids),
                     gate_checks_today=Count("id"), gate_denials_today=Count("id", filter=deny),
                     vehicles_checked_today=Count("id", filter=~Q(plate="")))
    for cid, n in _denied_people(ids, start, end).items():
        scans.setdefault(cid, {})["denied_people"] = n
    visitors = _grouped(Visitor.objects.filter(community_id__in=ids, at__gte=start, at__lt=end),
                        visitors_registered_today=Count("id"),
                        denied_visitors=Count("id", filter=Q(decision=Scan.Decision.DENY)))
    gates = _grouped(Gate.objects.filter(community_id__in=ids), gates=Count("id"))
    shifts = _grouped(Shift.objects.filter(community_id__in=ids, starts_at__lt=end, ends_at__gt=start),
                      leaders=Count("leader", distinct=True), staff=Count("staff", distinct=True))
    out: dict[int, dict[str, int]] = {}
    for cid in ids:
        s, v = scans.get(cid, {}), visitors.get(cid, {})
        sh = shifts.get(cid, {})
        out[cid] = {
            "gate_checks_today": s.get("gate_checks_today", 0),
            "gate_denials_today": s.get("gate_denials_today", 0),
            "vehicles_checked_today": s.get("vehicles_checked_today", 0),
            # People refused at a gate (a pass holder counted once) and outsiders refused at registration.
            "people_turned_back_today": s.get("denied_people", 0) + v.get("denied_visitors", 0),
            "visitors_registered_today": v.get("visitors_registered_today", 0),
            "gates": gates.get(cid, {}).get("gates", 0),
            "staff_on_duty": sh.get("leaders", 0) + sh.get("staff", 0),
        }
    return out


def _denied_people(ids: list[int], start: datetime, end: datetime) -> dict[int, int]:
    """Distinct people refused at a gate, per community. COUNT(DISTINCT) grouped by community makes
    PostgreSQL walk the day's scans in community order through an index (0.5 s for 2,000,000 scans);
    counting the rows of a DISTINCT subquery lets it hash the refusals instead (0.3 s). Read where the ORM
    reads scans (the replica when the request's reads go there, core/replica.py)."""
    connection = connections[router.db_for_read(Scan)]
    table = connection.ops.quote_name(Scan._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    sql = (f"SELECT community_id, COUNT(*) FROM (SELECT DISTINCT community_id, person_id FROM {table} "  # noqa: S608
           f"WHERE decision = %s AND person_id IS NOT NULL AND community_id IN ({marks}) "
           "AND ((scanned_at IS NULL AND at >= %s AND at < %s) OR (scanned_at >= %s AND scanned_at < %s)))"
           " AS denied GROUP BY community_id")
    with connection.cursor() as cursor:
        # Raw SQL gets no field conversion: the backend's own form of the instants (SQLite stores UTC text).
        adapt = connection.ops.adapt_datetimefield_value
        cursor.execute(sql, [Scan.Decision.DENY.value, *ids, adapt(start), adapt(end), adapt(start), adapt(end)])
        return {cid: int(n) for cid, n in cursor.fetchall()}


def _verification(ids: list[int], start: datetime, end: datetime, as_of: datetime) -> dict[int, dict[str, int]]:
    counts = verification_day_counts(community_ids=ids, start=start, end=end)
    return {cid: {
        "verification_rows_received": c["received"],
        "verification_rows_checked": c["checked"],
        "verification_rows_received_total": c["received_total"],
        "verification_rows_checked_total": c["checked_total"],
        "verification_info_wrong": c["info_wrong"],
        "verification_missed": c["missed"],
        "verification_not_here": c["not_here"],
        "verification_outside_window": c["outside_window"],
    } for cid, c in counts.items()}


def _sanitation(ids: list[int], start: datetime, end: datetime, as_of: datetime) -> dict[int, dict[str, int]]:
    """Disinfections and patrols in the period; the areas, and those overdue, as of its end (or now)."""
    counts = sanitation_day_counts(community_ids=ids, start=start, end=as_of)
    return {cid: {
        "disinfections_today": c["disinfections"],
        "disinfection_areas": c["areas"],
        "disinfection_areas_overdue": c["overdue"],
        "patrols_today": c["patrols"],
    } for cid, c in counts.items()}


def _returnees(ids: list[int], start: datetime, end: datetime, day) -> dict[int, dict[str, int]]:
    """Key areas are policy per community: communities sharing the same list share one query."""
    by_areas: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for cid in ids:
        areas = tuple(sorted(_core(a) for a in policy_values_cached(community_id=cid, on=day)["key_areas"]))
        by_areas[areas].append(cid)
    out: dict[int, dict[str, int]] = {}
    for areas, group in by_areas.items():
        in_area = Q(pk__in=[])
        for area in areas:
            if area:
                in_area |= Q(place__contains=area)
        wuhan = Q(place__contains=WUHAN) & in_area
        before = Q(recorded_at__lt=start)
        rows = _grouped(TravelRecord.objects.filter(in_area, community_id__in=group, recorded_at__lt=end),
                        total=Count("person", distinct=True), before=Count("person", distinct=True, filter=before),
                        wuhan_total=Count("person", distinct=True, filter=wuhan),
                        wuhan_before=Count("person", distinct=True, filter=wuhan & before))
        for cid, r in rows.items():
            out[cid] = {"key_area_returnees_total": r["total"], "key_area_returnees_new": r["total"] - r["before"],
                        "wuhan_returnees_total": r["wuhan_total"],
                        "wuhan_returnees_new": r["wuhan_total"] - r["wuhan_before"]}
    return out
