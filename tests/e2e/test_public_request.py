"""A resident files a request on the community's public page on a phone (no login); the office, logged in,
answers it; the resident's private follow link shows the answer — and never the phone."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

# The urls marker mounts the public page at c/ until fangkong/urls.py does.
pytestmark = [pytest.mark.browser, pytest.mark.urls("fangkong.helpdesk.tests.urls")]

NUMBER = "13912345678"


def test_a_resident_files_a_request_and_the_office_answers(browser, live_server, transactional_db, places,
                                                           personas, staff_page):
    from fangkong.helpdesk.models import Request

    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    try:
        resident = context.new_page()
        resident.goto("/c/C1/request/")
        assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        resident.locator("textarea[name=text]").fill("短")  # too short first: a clear message
        resident.locator("input[name=contact]").fill(NUMBER)
        resident.locator("#request-form button[type=submit]").click()
        expect(resident.locator("p.error[data-field=text]")).to_be_visible()
        resident.locator("textarea[name=text]").fill("3号楼单元门的门禁坏了，晚上进不去")
        resident.locator("#request-form button[type=submit]").click()
        expect(resident.locator("#request-sent")).to_be_visible()
        follow_url = resident.url
        assert "/c/C1/request/" in follow_url and NUMBER not in resident.content()

        req = Request.objects.get()
        assert req.channel == "public" and req.status == "received"

        _ctx, office = staff_page("office")
        office.goto("/requests/")
        expect(office.locator(f"#requests tr[data-request='{req.pk}']")).to_contain_text("门禁坏了")
        office.locator(f"#requests tr[data-request='{req.pk}'] a").click()
        office.locator("#answer-form textarea[name=text]").fill("已通知物业，今晚修好")
        office.locator("#answer-form button[type=submit]").click()
        expect(office.locator("#answer-text")).to_contain_text("已通知物业，今晚修好")
        assert NUMBER not in office.content()

        resident.goto(follow_url)
        expect(resident.locator("#request-answer")).to_contain_text("已通知物业，今晚修好")
        assert NUMBER not in resident.content()
    finally:
        context.close()
    req.refresh_from_db()
    assert req.status == "answered" and req.answered_by == personas["office"]
