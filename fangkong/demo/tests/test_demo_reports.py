"""The demo's daily reports, loaded on the test communities: a week submitted (one late, one corrected),
today's draft, siblings on the street board with one missing and reminded."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core.dates import local_today
from fangkong.demo.reports import CORRECTED_DAY, LATE_DAY, MISSING, load_reports_demo
from fangkong.reports.models import DailyReport, ReportReminder
from fangkong.reports.selectors import daily_report_status, daily_report_view


def test_demo_reports(places, personas):
    home = places["home"]
    load_reports_demo(admin=personas["admin"], community=home)
    load_reports_demo(admin=personas["admin"], community=home)  # loaded once
    today = local_today()
    reports = {r.date: r for r in DailyReport.objects.filter(community=home)}
    assert len(reports) == 8 and reports[today].version == 0 and reports[today].typed["problems"]
    assert [d for d, r in reports.items() if r.late] == [today - timedelta(days=LATE_DAY)]
    assert reports[today - timedelta(days=CORRECTED_DAY)].version == 2
    corrected = daily_report_view(actor=personas["leader"], community=home, day=today - timedelta(days=CORRECTED_DAY))
    assert corrected.versions[0].correction_reason and corrected.typed["close_contacts"] == 3
    board = daily_report_status(actor=personas["street"], day=today - timedelta(days=2))
    states = {r.community.code: r.state for r in board.rows}
    assert states[MISSING] == "missing" and states["C1"] == "submitted"
    assert sum(1 for s in states.values() if s == "submitted") >= 3
    assert ReportReminder.objects.filter(community__code=MISSING, read_at__isnull=True).count() == 1
    for r in DailyReport.objects.exclude(first_submitted_at=None):
        assert r.first_submitted_at < r.updated_at + timedelta(seconds=1)
