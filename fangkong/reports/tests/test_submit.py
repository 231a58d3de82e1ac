"""Submitting the daily report: version 1, locked, a correction with a reason is version 2 and both stay;
late after the deadline; typed fields validated and kept; never a future day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.accounts.models import AuditEntry
from fangkong.core.dates import local_today
from fangkong.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationErrors
from fangkong.reports.models import DailyReport, DailyReportVersion
from fangkong.reports.selectors import daily_report_view
from fangkong.reports.services import daily_report_submit, daily_report_typed_update


def test_first_submission_is_version_one_on_time_today(places, personas):
    home, leader = places["home"], personas["leader"]
    v = daily_report_submit(actor=leader, community=home, day=local_today(), note="无异常")
    assert v.version == 1 and not v.late
    report = DailyReport.objects.get(community=home, date=local_today())
    assert (report.status, report.version, report.late) == ("submitted", 1, False)
    view = daily_report_view(actor=leader, community=home, day=local_today())
    assert view.status == "submitted" and view.version == 1 and view.note == "无异常"
    assert view.submitted_by == "leader"
    assert AuditEntry.objects.filter(action="submit", object_type="daily_report", community_id=home.id).count() == 1


def test_a_second_submission_without_a_reason_is_refused_and_changes_nothing(places, personas):
    home, leader = places["home"], personas["leader"]
    daily_report_submit(actor=leader, community=home, day=local_today())
    with pytest.raises(Conflict) as err:
        daily_report_submit(actor=leader, community=home, day=local_today(), note="again")
    assert err.value.code == "already_submitted"
    assert DailyReportVersion.objects.count() == 1
    assert DailyReport.objects.get(community=home).version == 1


def test_a_correction_is_a_new_version_and_both_stay_visible(places, personas):
    home, leader = places["home"], personas["leader"]
    daily_report_submit(actor=leader, community=home, day=local_today(), typed={"confirmed_cases": 0})
    v2 = daily_report_submit(actor=leader, community=home, day=local_today(), correction_reason="疾控更正确诊数",
                             typed={"confirmed_cases": 1})
    assert v2.version == 2 and v2.correction_reason == "疾控更正确诊数"
    view = daily_report_view(actor=leader, community=home, day=local_today())
    assert view.version == 2 and view.typed["confirmed_cases"] == 1 and not view.zero
    assert [(v.version, v.typed["confirmed_cases"], v.correction_reason) for v in view.versions] == [
        (2, 1, "疾控更正确诊数"), (1, 0, "")]


def test_submitted_report_is_locked_for_typed_edits(places, personas):
    home = places["home"]
    daily_report_submit(actor=personas["leader"], community=home, day=local_today(), typed={"problems": "口罩不足"})
    with pytest.raises(Conflict) as err:
        daily_report_typed_update(actor=personas["office"], community=home, day=local_today(),
                                  data={"problems": "改了"})
    assert err.value.code == "report_locked"
    assert DailyReport.objects.get(community=home).typed["problems"] == "口罩不足"


def test_submission_after_the_deadline_is_late_and_a_later_correction_keeps_it_late(places, personas):
    home, leader = places["home"], personas["leader"]
    day = local_today() - timedelta(days=3)  # its deadline (day+1 16:00) has passed
    v1 = daily_report_submit(actor=leader, community=home, day=day)
    assert v1.late
    daily_report_submit(actor=leader, community=home, day=day, correction_reason="补充")
    report = DailyReport.objects.get(community=home, date=day)
    assert report.late and report.version == 2


def test_submission_before_the_deadline_at_a_given_time_is_not_late(places, personas):
    home, leader = places["home"], personas["leader"]
    day = local_today() - timedelta(days=3)
    view = daily_report_view(actor=leader, community=home, day=day)
    v = daily_report_submit(actor=leader, community=home, day=day, at=view.deadline - timedelta(minutes=1))
    assert not v.late


def test_a_day_whose_period_has_not_begun_cannot_be_submitted(places, personas):
    with pytest.raises(FieldError) as err:
        daily_report_submit(actor=personas["leader"], community=places["home"], day=local_today() + timedelta(days=2))
    assert err.value.code == "in_future"
    assert not DailyReport.objects.exists()


def test_only_the_leader_submits_and_only_their_own_community(places, personas):
    with pytest.raises(PermissionDenied):
        daily_report_submit(actor=personas["office"], community=places["home"], day=local_today())
    with pytest.raises(PermissionDenied):
        daily_report_submit(actor=personas["street"], community=places["home"], day=local_today())
    with pytest.raises(NotFound):
        daily_report_submit(actor=personas["outsider"], community=places["home"], day=local_today())
    assert not DailyReportVersion.objects.exists()


def test_typed_fields_are_validated_and_kept_on_the_draft(places, personas):
    home, office = places["home"], personas["office"]
    with pytest.raises(ValidationErrors) as err:
        daily_report_typed_update(actor=office, community=home, day=local_today(),
                                  data={"suspected_cases": -1, "close_contacts": "x", "problems": "长" * 1001,
                                        "nonsense": 1})
    assert {e.field: e.code for e in err.value.errors} == {
        "suspected_cases": "out_of_range", "close_contacts": "not_integer", "problems": "too_long",
        "nonsense": "invalid"}
    daily_report_typed_update(actor=office, community=home, day=local_today(),
                              data={"suspected_cases": "2", "disinfection": "3次 1200平方米"})
    view = daily_report_view(actor=office, community=home, day=local_today())
    assert view.status == "draft" and view.typed["suspected_cases"] == 2
    assert view.typed["disinfection"] == "3次 1200平方米" and view.typed["confirmed_cases"] == 0
    assert not view.zero  # a suspected case is something to report


def test_a_day_with_nothing_still_has_a_zero_report(places, personas):
    view = daily_report_view(actor=personas["leader"], community=places["home"], day=local_today())
    assert view.zero and view.status == "draft"
    v = daily_report_submit(actor=personas["leader"], community=places["home"], day=local_today())
    assert all(value == 0 for value in v.figures.values())
    assert daily_report_view(actor=personas["leader"], community=places["home"], day=local_today()).zero


def test_submitted_figures_are_frozen(places, personas, make_person):
    from django.utils import timezone

    from fangkong.observation.models import Observation

    home, leader = places["home"], personas["leader"]
    daily_report_submit(actor=leader, community=home, day=local_today())
    person = make_person(places["grid1"])
    Observation.objects.create(community=home, person=person, kind="home", start=local_today(),
                               planned_end=local_today() + timedelta(days=14),
                               opened_at=timezone.now() - timedelta(seconds=1))
    view = daily_report_view(actor=leader, community=home, day=local_today())
    assert view.figures["home_observation_now"] == 0  # the version as submitted
    v2 = daily_report_submit(actor=leader, community=home, day=local_today(), correction_reason="新增居家观察")
    assert v2.figures["home_observation_now"] == 1
