"""Writes of the daily report: typed fields on the draft, submission (version 1, then corrections),
the street office's reminders. Each one transaction with its audit entry.

Locking: a submission locks the report's row (select_for_update) before it reads the version, so two
submissions at once cannot both make version 1 (or both make version n+1): the second waits and then
sees the first's version. The row is created first by get_or_create, whose unique (community, date)
constraint settles two creators. select_for_update does nothing on SQLite, which serialises writers.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.errors import Code, Conflict, FieldError, NotFound
from fangkong.registry.models import Community
from fangkong.reports.errors import ReportCode
from fangkong.reports.figures import compute_figures
from fangkong.reports.models import DailyReport, DailyReportVersion, ReportReminder
from fangkong.reports.selectors import check_day_started
from fangkong.reports.typed import typed_clean

NOTE_MAX = 500


def _in_scope(actor: User, community: Community) -> None:
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))


def _report_for_update(community: Community, day: date) -> DailyReport:
    """The report row, created if need be, locked until the transaction ends (see the module's docstring)."""
    report, _created = DailyReport.objects.get_or_create(community=community, date=day)
    return DailyReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def daily_report_typed_update(*, actor: User, community: Community, day: date, data: dict) -> DailyReport:
    """Save the typed fields of a draft. A submitted report is locked: its typed fields change only with
    a correction (daily_report_submit with a reason)."""
    require(actor, Perm.EDIT_REPORTS)
    _in_scope(actor, community)
    check_day_started(community=community, day=day)
    typed = typed_clean(data)
    report = _report_for_update(community, day)
    if report.version > 0:
        raise Conflict(_("The report is submitted: correct it with a reason to change it"),
                       code=ReportCode.REPORT_LOCKED)
    report.typed = typed
    report.save(update_fields=["typed", "updated_at"])
    audit_record(actor=actor, action="update", object_type="daily_report", object_id=report.pk,
                 community_id=community.id, fields=sorted(typed))
    return report


@transaction.atomic
def daily_report_submit(*, actor: User, community: Community, day: date, note: str = "", correction_reason: str = "",
                        typed: dict | None = None, at: datetime | None = None) -> DailyReportVersion:
    """Freeze the figures and typed fields into a new version. The first submission is version 1, late
    when after the deadline; another needs a reason for the correction (else Conflict) and makes
    version n+1, the earlier ones kept. `typed` (optional) replaces the typed fields on the way;
    `at` (the demo's past submissions) is when it was submitted, now by default."""
    require(actor, Perm.SUBMIT_REPORTS)
    _in_scope(actor, community)
    period = check_day_started(community=community, day=day)
    note, correction_reason = (note or "").strip(), (correction_reason or "").strip()
    if len(note) > NOTE_MAX:
        raise FieldError("note", Code.TOO_LONG, _("At most %(limit)s characters") % {"limit": NOTE_MAX})
    if len(correction_reason) > NOTE_MAX:
        raise FieldError("correction_reason", Code.TOO_LONG, _("At most %(limit)s characters") % {"limit": NOTE_MAX})
    cleaned = typed_clean(typed) if typed is not None else None
    at = at or timezone.now()
    # Computed before the lock: one community's figures, a few aggregate queries.
    figures = compute_figures(periods={community.id: period})[community.id]
    report = _report_for_update(community, day)
    if report.version > 0 and not correction_reason:
        raise Conflict(_("The report is already submitted: give the reason for a correction"),
                       code=ReportCode.ALREADY_SUBMITTED)
    if cleaned is not None:
        report.typed = cleaned
    late = at > period.deadline
    version = DailyReportVersion.objects.create(
        report=report, version=report.version + 1, period_start=period.start, period_end=period.end,
        figures=figures, typed=report.typed, note=note, correction_reason=correction_reason if report.version else "",
        late=late, submitted_by=actor, submitted_at=at)
    if report.version == 0:
        report.late, report.first_submitted_at = late, at
    report.version, report.status = version.version, DailyReport.Status.SUBMITTED
    report.save(update_fields=["version", "status", "late", "first_submitted_at", "typed", "updated_at"])
    # Reminders of this day are answered by the submission.
    ReportReminder.objects.filter(community=community, date=day, read_at__isnull=True).update(
        read_at=at, read_by=actor)
    audit_record(actor=actor, action="correct" if version.version > 1 else "submit", object_type="daily_report",
                 object_id=report.pk, community_id=community.id, fields=["version"])
    return version


@transaction.atomic
def report_reminder_send(*, actor: User, community: Community, day: date, message: str = "") -> ReportReminder:
    """The street office reminds a community of its report of `day` (in-app: a banner on every page of the
    community's office; no other notification channel exists). Only while the report is not submitted."""
    require(actor, Perm.REMIND_REPORTS)
    _in_scope(actor, community)
    check_day_started(community=community, day=day)
    message = (message or "").strip()
    if len(message) > 300:
        raise FieldError("message", Code.TOO_LONG, _("At most %(limit)s characters") % {"limit": 300})
    if DailyReport.objects.filter(community=community, date=day, version__gt=0).exists():
        raise Conflict(_("This report is already submitted"), code=ReportCode.ALREADY_SUBMITTED)
    reminder = ReportReminder.objects.create(community=community, date=day, message=message, sent_by=actor)
    audit_record(actor=actor, action="remind", object_type="report_reminder", object_id=reminder.pk,
                 community_id=community.id)
    return reminder


@transaction.atomic
def report_reminder_read(*, actor: User, reminder: ReportReminder) -> ReportReminder:
    """The community marks a reminder as read (the banner goes away)."""
    require(actor, Perm.EDIT_REPORTS)
    _in_scope(actor, reminder.community)
    updated = ReportReminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=actor)
    if updated:
        reminder.refresh_from_db()
    return reminder
