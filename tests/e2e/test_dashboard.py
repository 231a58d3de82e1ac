"""The dashboard in Chromium: for the community's secretary and for the street office, every chart
container holds an ECharts canvas, the console reports no error and the Content-Security-Policy no
violation (the autouse watch in conftest.py); the page passes axe on a phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, places, make_person):
    from fangkong.dashboard.tests.world import build

    return build(places, make_person)


@pytest.mark.parametrize("who", ["leader", "street"])
def test_the_charts_are_drawn(world, staff_page, who):
    from fangkong.dashboard.tests.world import D

    _context, page = staff_page(who)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"/dashboard/?day={D.isoformat()}")
    page.wait_for_selector("[data-chart] canvas")
    containers = page.locator("[data-chart]")
    assert containers.count() == 6
    for i in range(6):
        assert containers.nth(i).locator("canvas").count() >= 1, containers.nth(i).get_attribute("data-chart")
    # Drawn charts fold their tables away on screen; the tables are still there for screen readers.
    assert page.locator("details[data-chart-table][open]").count() == 0
    assert page.locator('table[data-table="gate_traffic"]').count() == 1
    if who == "street":
        assert page.locator('#side-by-side tr[data-community="C2"]').count() == 1
    page.set_viewport_size({"width": 1200, "height": 900})  # resize: the charts follow, no error
    page.wait_for_timeout(300)
    assert not errors, errors


def test_the_dashboard_is_accessible_on_a_phone(world, staff_page):
    from fangkong.dashboard.tests.world import D
    from tests.e2e.test_accessibility import _axe_source, check_page

    axe = _axe_source()
    found = {}
    for who in ("office", "street"):
        _context, page = staff_page(who)
        page.goto(f"/dashboard/?day={D.isoformat()}")
        page.wait_for_selector("[data-chart] canvas")
        if problems := check_page(page, axe, phone=True):
            found[who] = problems
    assert not found, found
