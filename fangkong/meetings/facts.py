"""What happened in a briefing's period, in aggregate queries: counts only, no personal data.

One query per source table (filtered counts), plus one per open screening round; the keys are stable
(the API returns them as they are and the page labels them, see FACT_LABELS in views)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from fangkong.gates.models import Incident, Scan
from fangkong.meetings.models import ActionItem
from fangkong.observation.models import Alert, Observation, ReturneeReport
from fangkong.registry.models import Community, Household, Person
from fangkong.reports.models import DailyReport
from fangkong.reports.period import report_period
from fangkong.screening.models import Round, TravelRecord, Visit
from fangkong.screening.services import round_grid_ids
from fangkong.verification.selectors import verification_day_counts

ALERT_KINDS = [k.value for k in Alert.Kind]
LIVE_ALERT = ["open", "acknowledged"]


def briefing_facts(*, community: Community, day: date, start: datetime, end: datetime) -> dict:
    """The facts of `community` for [start, end). Figures "now" (open alerts, active observations, open
    actions, coverage) are as of `end` where the rows keep their times, else as of the call."""
    cid = community.id
    within = {"gte": start, "lt": end}

    def period(field: str) -> Q:
        return Q(**{f"{field}__{op}": at for op, at in within.items()})

    facts: dict = {}
    facts.update(ReturneeReport.objects.filter(community_id=cid).order_by().aggregate(
        returnee_reports=Count("id", filter=period("reported_at")),
        returnees_confirmed=Count("id", filter=period("decided_at") & Q(status="confirmed")),
        returnee_reports_pending=Count("id", filter=Q(status="pending", reported_at__lt=end)),
    ))
    facts["travel_records"] = TravelRecord.objects.filter(period("recorded_at"), community_id=cid).count()
    facts.update(Observation.objects.filter(community_id=cid).order_by().aggregate(
        observations_started=Count("id", filter=period("opened_at")),
        observations_ended=Count("id", filter=period("ended_at")),
        observations_active=Count("id", filter=Q(opened_at__lt=end) & (Q(ended_at__isnull=True)
                                                                      | Q(ended_at__gte=end))),
    ))
    alert_counts = {f"alerts_{kind}": Count("id", filter=period("raised_at") & Q(kind=kind)) for kind in ALERT_KINDS}
    facts.update(Alert.objects.filter(community_id=cid).order_by().aggregate(
        alerts_raised=Count("id", filter=period("raised_at")),
        alerts_open=Count("id", filter=Q(status__in=LIVE_ALERT, raised_at__lt=end)),
        **alert_counts,
    ))
    facts["incidents"] = Incident.objects.filter(period("at"), community_id=cid).count()
    facts.update(Scan.objects.filter(period("at"), community_id=cid).order_by().aggregate(
        scans_in=Count("id", filter=Q(direction="in")),
        scans_out=Count("id", filter=Q(direction="out")),
        denials=Count("id", filter=Q(decision="deny")),
    ))
    facts["households_seen"] = (Visit.objects.filter(period("at"), community_id=cid, outcome=Visit.Outcome.SEEN)
                                .values("household_id").distinct().count())
    facts["coverage"] = _coverage(cid)
    pushed = verification_day_counts(community_ids=[cid], start=start, end=end)[cid]
    facts["verification_received"], facts["verification_checked"] = pushed["received"], pushed["checked"]
    facts["report_state"] = _report_state(community, day)
    facts.update(ActionItem.objects.filter(community_id=cid, done=False).order_by().aggregate(
        actions_open=Count("id"), actions_overdue=Count("id", filter=Q(due__lt=day)),
    ))
    return {key: int(value) if isinstance(value, int) else value for key, value in facts.items()}


def _report_state(community: Community, day: date) -> str:
    """The daily report's state as `reports.selectors.ReportView.state` says it, without computing the
    draft's figures: submitted, or draft until the deadline, missing after it."""
    submitted = DailyReport.objects.filter(community=community, date=day, version__gt=0).exists()
    if submitted:
        return "submitted"
    return "missing" if timezone.now() > report_period(community=community, day=day).deadline else "draft"


def _coverage(community_id: int) -> list[dict]:
    """Each open round (not closed, started): households with someone living there, and those a visit
    of the round saw — the figures of the screening pages, counted by the database."""
    rounds = list(Round.objects.filter(community_id=community_id, closed_at__isnull=True)
                  .prefetch_related("grids").order_by("starts_on", "id"))
    out = []
    for rnd in rounds:
        seen = Visit.objects.filter(round=rnd, outcome=Visit.Outcome.SEEN).values("household_id")
        totals = (Household.objects.filter(community_id=community_id, grid_id__in=round_grid_ids(rnd))
                  .filter(Exists(Person.objects.filter(household=OuterRef("pk"))))
                  .aggregate(households=Count("id"), seen=Count("id", filter=Q(id__in=seen))))
        households, seen_n = totals["households"], totals["seen"]
        out.append({"round": rnd.id, "name": rnd.name, "households": households, "seen": seen_n,
                    "percent": round(100 * seen_n / households) if households else 100})
    return out
