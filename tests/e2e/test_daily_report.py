"""The daily report in Chromium: the community leader opens today's report, types the CDC's figures and
submits; the street office, in another browser context, sees the community as submitted on its board."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_leader_submits_and_the_street_sees_it_arrive(transactional_db, personas, places, staff_page):
    from fangkong.core.dates import local_today
    from fangkong.reports.models import DailyReportVersion

    day = local_today().isoformat()
    _street_context, street = staff_page("street")
    street.goto(f"/reports/street/?day={day}")
    assert street.locator('#board tr[data-community="C1"]').get_attribute("data-status") == "draft"

    _leader_context, page = staff_page("leader")
    page.goto("/reports/")
    page.wait_for_selector("#daily-report")
    assert page.locator("#daily-report").get_attribute("data-state") == "draft"
    assert page.locator('#report-figures tr[data-key="gate_checks_today"] td.num').inner_text() == "0"
    page.locator("#id_typed_suspected_cases").fill("1")
    page.locator("#id_typed_close_contacts").fill("4")
    page.locator("#id_typed_problems").fill("测温枪电池不足")
    page.locator("#submit-report").click()
    page.wait_for_selector('#daily-report[data-state="submitted"]')
    assert page.locator('#report-versions tr[data-version="1"]').count() == 1
    version = DailyReportVersion.objects.get()
    assert version.typed["suspected_cases"] == 1 and version.typed["close_contacts"] == 4

    street.reload()
    row = street.locator('#board tr[data-community="C1"]')
    assert row.get_attribute("data-status") == "submitted"
    assert street.locator('#street-sums tr[data-key="suspected_cases"] td.num').first.inner_text() == "1"


def test_report_pages_are_accessible_on_a_phone(transactional_db, personas, places, staff_page):
    from fangkong.core.dates import local_today
    from fangkong.reports.services import daily_report_submit
    from tests.e2e.test_accessibility import _axe_source, check_page

    daily_report_submit(actor=personas["leader"], community=places["home"], day=local_today())
    axe = _axe_source()
    found = {}
    from datetime import timedelta

    yesterday = (local_today() - timedelta(days=1)).isoformat()
    # The leader on a submitted report with the correction open, the office on a draft with its form.
    for who, path in (("leader", "/reports/daily/"), ("office", f"/reports/daily/?day={yesterday}"),
                      ("street", "/reports/street/")):
        _context, page = staff_page(who)
        page.goto(path)
        if who == "leader":
            page.locator("#correction > summary").click()
        if problems := check_page(page, axe, phone=True):
            found[f"{who} {path}"] = problems
    assert not found, found
