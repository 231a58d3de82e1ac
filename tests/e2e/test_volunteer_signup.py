"""A volunteer signs up on the community's public page on a phone (no login), and the office finds them at
the top of the vetting list, phone and ID number masked."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

# The urls marker mounts the public page at c/ until fangkong/urls.py does.
pytestmark = [pytest.mark.browser, pytest.mark.urls("fangkong.volunteers.tests.urls")]

FIRST17 = "37021219880512123"


def test_a_volunteer_signs_up_and_the_office_finds_them(browser, live_server, transactional_db, places, personas,
                                                         staff_page):
    from fangkong.core.identifiers import id_check_char
    from fangkong.volunteers.models import Volunteer

    id_number = FIRST17 + id_check_char(FIRST17)
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/c/C1/volunteer/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        page.locator("input[name=name]").fill("孙志愿")
        page.locator("input[name=phone]").fill("12345")  # wrong first: a clear message, the ID not echoed
        page.locator("input[name=id_number]").fill(id_number)
        page.locator("input[name=skills][value=gate]").check()
        page.locator("input[name=availability]").fill("周末")
        page.locator("form.public-form button[type=submit]").click()
        expect(page.locator("p.error[data-field=phone]")).to_be_visible()
        assert id_number not in page.content()
        page.locator("input[name=phone]").fill("13912345678")
        page.locator("input[name=id_number]").fill(id_number)
        page.locator("form.public-form button[type=submit]").click()
        expect(page.locator("[data-testid=signup-sent]")).to_be_visible()
    finally:
        context.close()

    v = Volunteer.objects.get()
    assert v.status == "pending" and v.id_number == id_number

    _ctx, office = staff_page("office")
    office.goto("/volunteers/")
    first = office.locator("#volunteer-list tbody tr").first
    expect(first).to_contain_text("孙志愿")
    expect(first).to_contain_text(v.phone_masked)
    assert "13912345678" not in office.content() and id_number not in office.content()
