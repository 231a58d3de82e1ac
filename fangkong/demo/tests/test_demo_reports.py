"""The demo's daily reports: a week submitted (one late, one corrected), today's draft with typed fields,
siblings on the street board with one missing and reminded."""

from __future__ import annotations

from datetime import timedelta

from fangkong.accounts.models import User
from fangkong.core.dates import local_today
from fangkong.demo.reports import CORRECTED_DAY, LATE_DAY, MISSING, SIBLINGS, load_reports_demo
from fangkong.reports.models import DailyReport, ReportReminder
from fangkong.reports.selectors import daily_report_status, daily_report_view


def test_demo_reports(demo):
    today = local_today()
    load_reports_demo(admin=User.objects.get(username="admin"), community=demo)  # loaded once: nothing added
    reports = {r.date: r for r in DailyReport.objects.filter(community=demo)}
    assert len(reports) == 8 and reports[today].version == 0 and reports[today].typed["problems"]
    assert [d for d, r in reports.items() if r.late] == [today - timedelta(days=LATE_DAY)]
    assert reports[today - timedelta(days=CORRECTED_DAY)].version == 2
    leader, street = User.objects.get(username="secretary"), User.objects.get(username="street")
    corrected = daily_report_view(actor=leader, community=demo, day=today - timedelta(days=CORRECTED_DAY))
    assert corrected.versions[0].correction_reason and corrected.typed["close_contacts"] == 3
    assert corrected.versions[0].submitted_at < corrected.deadline
    board = daily_report_status(actor=street, day=today - timedelta(days=2))
    states = {r.community.code: r.state for r in board.rows}
    assert set(states) >= {demo.code, *(code for code, _name in SIBLINGS)}
    assert states[MISSING] == "missing" and states[demo.code] == "submitted"
    assert sum(1 for s in states.values() if s == "submitted") == 3
    assert ReportReminder.objects.filter(community__code=MISSING, read_at__isnull=True).count() == 1
    # The story's figures are the data's: the demo community has people under observation.
    assert reports[today - timedelta(days=1)].versions.get().figures["home_observation_now"] > 0
