"""The landlord's page behind a personal link, on a phone in headless Chromium: "someone new" folded away
until the landlord opens it, a report sent through it, no Content-Security-Policy violation (the autouse
check in conftest), nothing wider than the phone, and no critical or serious axe-core finding."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FIRST17 = "42010119900307123"


@pytest.fixture
def landlord_url(transactional_db, personas, places, make_person):
    from fangkong.observation.models import ReportLink
    from fangkong.observation.returnees import link_issue
    from fangkong.registry.services import household_create

    grid1 = places["grid1"]
    landlord = make_person(grid1, name="王房东")
    home = household_create(actor=personas["admin"], community=places["home"], grid=grid1, building_name="9号楼",
                            unit="1单元", room="101")
    make_person(grid1, name="赵租客", household=home, landlord=landlord, relation="tenant", category="tenant")
    _link, token = link_issue(actor=personas["office"], person=landlord, kind=ReportLink.Kind.LANDLORD)
    return f"/r/{token}/"


def test_a_landlord_reports_someone_new_on_a_phone(browser, live_server, landlord_url):
    from fangkong.core.dates import local_today
    from fangkong.core.identifiers import id_check_char
    from fangkong.observation.models import ReturneeReport

    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(landlord_url)
        someone_new = page.locator("details#someone-new")
        expect(someone_new).not_to_have_attribute("open", re.compile(".*"))
        expect(page.locator("input[name=name]")).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        if AXE.exists():
            page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluate() is not subject to the page's CSP
            found = page.evaluate("""async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))
                .violations.filter(v => ['critical', 'serious'].includes(v.impact)).map(v => v.id)""")
            assert found == []

        # Choosing a registered tenant leaves it folded; opening it shows the fields.
        page.locator("input[name=tenant][value='new']").check()
        someone_new.locator("summary").click()
        expect(page.locator("input[name=name]")).to_be_visible()
        summary = someone_new.locator("summary").bounding_box()
        assert summary["height"] >= 44  # a thumb's target
        page.locator("input[name=name]").fill("李四光")
        page.locator("input[name=id_number]").fill(FIRST17 + id_check_char(FIRST17))
        page.locator("input[name=phone]").fill("13912345678")
        page.locator("input[name=from_place]").fill("湖北省武汉市")
        page.locator("input[name=arrival_date]").fill((local_today() - timedelta(days=1)).isoformat())
        page.locator("form.public-form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"\?sent=1$"))
        expect(page.locator("details#someone-new")).not_to_have_attribute("open", re.compile(".*"))
        expect(page.locator(".public-reports li")).to_have_count(1)
        assert ReturneeReport.objects.get().name == "李四光"
    finally:
        context.close()
