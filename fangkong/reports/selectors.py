"""Reads of daily reports, scoped at this one door for the pages, the API and the Excel roll-up
(fangkong/ledgers reads `report_views`).

A submitted report reads its latest version, frozen; a draft reads live figures. Figures of many
communities are computed together (reports/figures.py), never one community at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import Code, FieldError, NotFound
from fangkong.registry.models import Community
from fangkong.registry.selectors import community_list
from fangkong.reports.figures import EPIDEMIC_KEYS, FIGURE_KEYS, FIGURES, Figure, compute_figures
from fangkong.reports.models import DailyReport, DailyReportVersion, ReportReminder
from fangkong.reports.period import Period, report_period
from fangkong.reports.typed import TYPED_FIELDS, TYPED_KEYS, TypedField, typed_defaults

__all__ = ["FIGURES", "TYPED_FIELDS", "Figure", "ReportView", "TypedField", "daily_report_status",
           "daily_report_view", "report_views"]


@dataclass
class VersionRow:
    version: int
    submitted_by: str
    submitted_at: datetime
    late: bool
    note: str
    correction_reason: str
    figures: dict
    typed: dict


@dataclass
class ReportView:
    community: Community
    date: date
    period_start: datetime
    period_end: datetime
    deadline: datetime
    status: str  # "submitted" | "draft"
    # Submitted after the deadline (the first submission); for a report never submitted: the deadline passed.
    late: bool
    version: int
    figures: dict[str, int]
    typed: dict[str, int | str]
    submitted_by: str = ""  # the name of who submitted the latest version
    submitted_at: datetime | None = None  # when the latest version was submitted
    note: str = ""
    first_submitted_at: datetime | None = None
    versions: list[VersionRow] = field(default_factory=list)

    @property
    def zero(self) -> bool:
        """A zero report (零报告): nothing of the epidemic to report — no one under observation, no
        fever, no new returnee, no case. Doors knocked and gates kept do not make a report non-zero."""
        return (all(not self.figures.get(k) for k in EPIDEMIC_KEYS)
                and all(not self.typed.get(f.key) for f in TYPED_FIELDS if f.epidemic))

    @property
    def state(self) -> str:
        """submitted | draft | missing (never submitted and the deadline has passed)."""
        if self.status == DailyReport.Status.SUBMITTED:
            return "submitted"
        return "missing" if timezone.now() > self.deadline else "draft"


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.display_name or user.username


def report_views(*, communities: Iterable[Community], day: date, with_versions: bool = False) -> list[ReportView]:
    """The report of `day` of each community, in the order given (unscoped: the caller has scoped the
    communities). Submitted: the latest version's frozen figures; draft: live figures, all drafts' in
    one set of aggregate queries."""
    communities = list(communities)
    periods: dict[int, Period] = {c.id: report_period(community=c, day=day) for c in communities}
    reports = {r.community_id: r for r in DailyReport.objects.filter(community_id__in=periods, date=day)}
    latest: dict[int, DailyReportVersion] = {}
    submitted = [r for r in reports.values() if r.version > 0]
    if submitted:
        # The latest version of each: its number is the report's `version` (one query for all).
        by_report = {r.id: r.version for r in submitted}
        for v in (DailyReportVersion.objects.select_related("submitted_by")
                  .filter(report_id__in=by_report).filter(version=F("report__version"))):
            latest[v.report_id] = v
    drafts = {cid: p for cid, p in periods.items() if cid not in reports or reports[cid].version == 0}
    live = compute_figures(periods=drafts) if drafts else {}
    now = timezone.now()
    views = []
    for c in communities:
        p, report = periods[c.id], reports.get(c.id)
        typed = {**typed_defaults(), **(report.typed if report else {})}
        if report is not None and report.version > 0 and report.id in latest:
            v = latest[report.id]
            view = ReportView(c, day, v.period_start, v.period_end, p.deadline, "submitted", report.late,
                              report.version, {**dict.fromkeys(FIGURE_KEYS, 0), **v.figures},
                              {**typed_defaults(), **v.typed}, _name(v.submitted_by), v.submitted_at, v.note,
                              report.first_submitted_at)
        else:
            view = ReportView(c, day, p.start, p.end, p.deadline, "draft", now > p.deadline, 0, live[c.id], typed)
        views.append(view)
    if with_versions:
        _attach_versions(views, reports)
    return views


def _attach_versions(views: list[ReportView], reports: dict[int, DailyReport]) -> None:
    ids = {r.id: r.community_id for r in reports.values() if r.version > 0}
    by_community: dict[int, list[VersionRow]] = {}
    for v in (DailyReportVersion.objects.filter(report_id__in=ids).select_related("submitted_by")
              .order_by("report_id", "-version")):
        by_community.setdefault(ids[v.report_id], []).append(
            VersionRow(v.version, _name(v.submitted_by), v.submitted_at, v.late, v.note, v.correction_reason,
                       v.figures, v.typed))
    for view in views:
        view.versions = by_community.get(view.community.id, [])


# --- scoped reads for pages and the API ----------------------------------------------------------------


def report_communities(*, actor: User) -> list[Community]:
    """The communities whose reports the actor sees (a street office: its street's)."""
    require(actor, Perm.VIEW_REPORTS)
    scope = scope_of(actor)
    qs = community_list(actor=actor).order_by("code")
    if not scope.is_all:
        qs = qs.filter(id__in=scope.community_ids)  # whole communities only: a report is the community's
    return list(qs)


def report_community_get(*, actor: User, code: str) -> Community:
    require(actor, Perm.VIEW_REPORTS)
    scope = scope_of(actor)
    community = community_list(actor=actor).filter(code=code).first()
    if community is None or not scope.covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    return community


def check_day_started(*, community: Community, day: date) -> Period:
    """A day whose period has not begun has no report yet."""
    p = report_period(community=community, day=day)
    if p.start > timezone.now():
        raise FieldError("date", Code.IN_FUTURE, _("This day's report period has not begun"))
    return p


def daily_report_view(*, actor: User, community: Community, day: date) -> ReportView:
    """One community's report of `day`, with its versions; outside the actor's scope → 404."""
    require(actor, Perm.VIEW_REPORTS)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    check_day_started(community=community, day=day)
    return report_views(communities=[community], day=day, with_versions=True)[0]


@dataclass
class StatusBoard:
    date: date
    rows: list[ReportView]
    totals: dict[str, int]  # figures summed over the communities (submitted versions and live drafts)
    totals_submitted: dict[str, int]  # summed over the submitted reports only
    counts: dict[str, int]  # communities per state, and late
    drafts_in_totals: int  # how many of the summed communities are drafts (their figures are live)


def daily_report_status(*, actor: User, day: date) -> StatusBoard:
    """Every community in the actor's scope: submitted, draft or missing, late, version; the sums."""
    rows = report_views(communities=report_communities(actor=actor), day=day)
    totals = dict.fromkeys(FIGURE_KEYS, 0)
    totals_submitted = dict.fromkeys(FIGURE_KEYS, 0)
    counts = {"submitted": 0, "draft": 0, "missing": 0, "late": 0}
    for row in rows:
        counts[row.state] += 1
        counts["late"] += int(row.late)
        for key in FIGURE_KEYS:
            totals[key] += row.figures.get(key, 0)
            if row.status == "submitted":
                totals_submitted[key] += row.figures.get(key, 0)
    for f in TYPED_FIELDS:
        if f.kind == "count":
            totals[f.key] = sum(int(r.typed.get(f.key) or 0) for r in rows)
            totals_submitted[f.key] = sum(int(r.typed.get(f.key) or 0) for r in rows if r.status == "submitted")
    return StatusBoard(day, rows, totals, totals_submitted, counts, counts["draft"] + counts["missing"])


def reminders_open(*, actor: User, limit: int = 5) -> list[ReportReminder]:
    """The open reminders of the reports the actor may submit or edit: the banner on every page."""
    # The community's office answers reminders; the street office that sent them does not get a banner.
    if not actor.is_authenticated or not role_can(actor.role, Perm.EDIT_REPORTS):
        return []
    scope = scope_of(actor)
    if scope.is_all:  # the administrator answers no community's reminders: no banner of every community's
        return []
    qs = (ReportReminder.objects.filter(read_at__isnull=True, community_id__in=scope.community_ids)
          .select_related("community", "sent_by"))
    return list(qs.order_by("-sent_at", "-id")[:limit])


def reminder_get(*, actor: User, pk: int) -> ReportReminder:
    scope = scope_of(actor)
    reminder = ReportReminder.objects.select_related("community").filter(pk=pk).first()
    if reminder is None or not scope.covers_whole_community(reminder.community_id):
        raise NotFound(_("No such reminder"))
    return reminder


def typed_keys() -> list[str]:
    return list(TYPED_KEYS)
