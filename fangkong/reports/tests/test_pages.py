"""The report pages: the community's report (review, type, submit, correct), the street board, reminders."""

from __future__ import annotations

from datetime import timedelta

from django.template.loader import render_to_string
from django.test import RequestFactory

from fangkong.core.dates import local_today
from fangkong.reports.context_processors import report_reminders
from fangkong.reports.models import DailyReport, DailyReportVersion, ReportReminder


def _urls(day=None):
    d = (day or local_today()).isoformat()
    return (f"/reports/daily/C1/{d}/typed/", f"/reports/daily/C1/{d}/submit/")


def test_index_sends_community_to_its_report_and_street_to_its_board(places, login):
    assert login("leader").get("/reports/")["Location"].endswith("/reports/daily/")
    assert login("street").get("/reports/")["Location"].endswith("/reports/street/")


def test_leader_types_and_submits_todays_report(places, login):
    c = login("leader")
    page = c.get("/reports/daily/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-state="draft"' in html and "当日入户排查户数" in html and 'id="zero-badge"' in html
    typed, submit = _urls()
    r = c.post(typed, {"suspected_cases": "1", "problems": "测温枪不足"})
    assert r.status_code == 302
    assert DailyReport.objects.get(community=places["home"]).typed["suspected_cases"] == 1
    r = c.post(submit, {"suspected_cases": "1", "confirmed_cases": "0", "note": "已核"})
    assert r.status_code == 302
    v = DailyReportVersion.objects.get()
    assert v.version == 1 and v.typed["suspected_cases"] == 1 and v.note == "已核"
    html = c.get("/reports/daily/").content.decode()
    assert 'data-state="submitted"' in html and 'id="report-versions"' in html and 'id="correction"' in html


def test_correction_needs_a_reason_on_the_page(places, login):
    c = login("leader")
    _, submit = _urls()
    c.post(submit, {})
    r = c.post(submit, {"correction_reason": "", "confirmed_cases": "1"})
    assert r.status_code == 422 and DailyReportVersion.objects.count() == 1
    r = c.post(submit, {"correction_reason": "疾控通报更正", "confirmed_cases": "1"})
    assert r.status_code == 302 and DailyReportVersion.objects.count() == 2
    html = c.get("/reports/daily/").content.decode()
    assert "疾控通报更正" in html and 'data-version="1"' in html and 'data-version="2"' in html


def test_typed_errors_show_on_the_form(places, login):
    typed, _ = _urls()
    r = login("office").post(typed, {"suspected_cases": "-1"})
    assert r.status_code == 422 and not DailyReport.objects.exists()


def test_office_cannot_submit_and_street_cannot_type(places, login):
    typed, submit = _urls()
    assert login("office").post(submit, {}).status_code == 403
    assert login("street").post(typed, {}).status_code == 403
    assert login("outsider").post(submit, {}).status_code == 404
    assert not DailyReportVersion.objects.exists()


def test_street_board_shows_status_and_reminds(places, login):
    day = local_today() - timedelta(days=2)
    login("leader").post(_urls(day)[1], {})
    c = login("street")
    html = c.get(f"/reports/street/?day={day.isoformat()}").content.decode()
    assert 'data-community="C1" data-status="submitted"' in html
    assert 'data-community="C2" data-status="missing"' in html and "C9" not in html
    assert 'data-remind="C2"' in html and 'data-remind="C1"' not in html
    r = c.post(f"/reports/street/C2/{day.isoformat()}/remind/", {"message": "请今日报送"})
    assert r.status_code == 302 and ReportReminder.objects.filter(community=places["neighbour"]).count() == 1
    assert c.post(f"/reports/street/C9/{day.isoformat()}/remind/", {}).status_code == 404
    assert login("leader").get("/reports/street/").content.decode().count("data-community=") == 1


def test_reminder_banner_for_the_community_office(places, personas, login):
    day = local_today()
    login("street").post(f"/reports/street/C1/{day.isoformat()}/remind/", {"message": "请报送"})
    request = RequestFactory().get("/")
    request.user = personas["office"]
    context = report_reminders(request)
    html = render_to_string("reports/_reminder_banner.html", context, request=request)
    assert 'id="report-reminders"' in html and "请报送" in html
    request.user = personas["street"]
    assert 'id="report-reminders"' not in render_to_string("reports/_reminder_banner.html",
                                                           report_reminders(request), request=request)
    reminder = ReportReminder.objects.get()
    assert login("office").post(f"/reports/reminders/{reminder.pk}/read/", {}).status_code == 302
    assert ReportReminder.objects.get().read_at is not None


def test_a_bad_day_in_the_url_is_404(places, login):
    assert login("leader").post("/reports/daily/C1/not-a-day/submit/", {}).status_code == 404


def test_days_at_the_ends_of_the_calendar_are_not_errors(places, login):
    c = login("leader")
    for day in ("9999-12-31", "0001-01-01", "2100-12-31"):
        assert c.post(f"/reports/daily/C1/{day}/submit/", {}).status_code in (400, 404, 422)
        assert c.get(f"/reports/daily/?day={day}").status_code < 500
        assert login("street").get(f"/reports/street/?day={day}").status_code < 500
