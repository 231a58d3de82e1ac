"""The street office's board: its communities' status (submitted, draft, missing), late, the sums; never
another street's. Reminders: only while not submitted, seen by the community, answered by submitting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.accounts.models import AuditEntry
from fangkong.core.dates import local_today
from fangkong.core.errors import Conflict, NotFound, PermissionDenied
from fangkong.gates.models import Gate
from fangkong.reports.models import ReportReminder
from fangkong.reports.selectors import daily_report_status, daily_report_view, reminders_open
from fangkong.reports.services import daily_report_submit, report_reminder_read, report_reminder_send


def test_street_sees_its_communities_status_and_not_another_streets(places, personas):
    board = daily_report_status(actor=personas["street"], day=local_today())
    assert [r.community.code for r in board.rows] == ["C1", "C2"]
    assert {r.state for r in board.rows} == {"draft"}  # today's deadline is tomorrow 16:00


def test_a_community_sees_only_its_own(places, personas):
    board = daily_report_status(actor=personas["leader"], day=local_today())
    assert [r.community.code for r in board.rows] == ["C1"]
    with pytest.raises(NotFound):
        daily_report_view(actor=personas["leader"], community=places["neighbour"], day=local_today())
    with pytest.raises(NotFound):
        daily_report_view(actor=personas["street"], community=places["far"], day=local_today())
    with pytest.raises(NotFound):
        daily_report_view(actor=personas["outsider"], community=places["home"], day=local_today())


def test_grid_workers_and_guards_do_not_read_reports(places, personas):
    for who in ("grid1", "guard"):
        with pytest.raises(PermissionDenied):
            daily_report_status(actor=personas[who], day=local_today())


def test_status_submitted_late_and_missing_and_the_sums(places, personas):
    home, neighbour = places["home"], places["neighbour"]
    day = local_today() - timedelta(days=3)
    Gate.objects.create(community=home, code="a", name="a")
    Gate.objects.create(community=neighbour, code="b", name="b")
    Gate.objects.create(community=neighbour, code="c", name="c")
    Gate.objects.create(community=places["far"], code="d", name="d")
    daily_report_submit(actor=personas["leader"], community=home, day=day, typed={"confirmed_cases": 2})
    board = daily_report_status(actor=personas["street"], day=day)
    states = {r.community.code: (r.state, r.late, r.version) for r in board.rows}
    assert states == {"C1": ("submitted", True, 1), "C2": ("missing", True, 0)}
    assert board.counts == {"submitted": 1, "draft": 0, "missing": 1, "late": 2}
    assert board.totals["gates"] == 3 and board.totals_submitted["gates"] == 1  # C9 is another street's
    assert board.totals["confirmed_cases"] == 2
    assert board.drafts_in_totals == 1


def test_reminder_reaches_the_community_and_submitting_answers_it(places, personas):
    home, street = places["home"], personas["street"]
    day = local_today() - timedelta(days=1)
    reminder = report_reminder_send(actor=street, community=home, day=day, message="请尽快报送")
    assert [r.pk for r in reminders_open(actor=personas["leader"])] == [reminder.pk]
    assert [r.pk for r in reminders_open(actor=personas["office"])] == [reminder.pk]
    assert reminders_open(actor=street) == [] and reminders_open(actor=personas["outsider"]) == []
    assert reminders_open(actor=personas["admin"]) == []  # answers no community's reminders
    assert AuditEntry.objects.filter(action="remind", community_id=home.id).count() == 1
    daily_report_submit(actor=personas["leader"], community=home, day=day)
    assert reminders_open(actor=personas["leader"]) == []
    with pytest.raises(Conflict):
        report_reminder_send(actor=street, community=home, day=day)
    assert ReportReminder.objects.count() == 1


def test_reminder_read_closes_the_banner(places, personas):
    reminder = report_reminder_send(actor=personas["street"], community=places["home"], day=local_today())
    report_reminder_read(actor=personas["office"], reminder=reminder)
    assert reminders_open(actor=personas["leader"]) == []


def test_only_the_street_office_reminds_and_only_its_communities(places, personas):
    with pytest.raises(PermissionDenied):
        report_reminder_send(actor=personas["leader"], community=places["home"], day=local_today())
    with pytest.raises(NotFound):
        report_reminder_send(actor=personas["street"], community=places["far"], day=local_today())
    assert not ReportReminder.objects.exists()
