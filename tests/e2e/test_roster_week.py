"""The roster's week grid in Chromium: on a phone the days stack one under another and nothing is wider than
the screen; on a laptop the week is seven columns side by side; today stands out; a clash is shown in words;
a shift is changed from the grid and refused when it would put someone on two gates at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from fangkong.gates.models import Gate, Shift
from fangkong.workgroup.models import Member
from fangkong.workgroup.services import member_add, working_group_create
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser
SH = ZoneInfo("Asia/Shanghai")
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def week(transactional_db, personas, places):
    home = places["home"]
    east = Gate.objects.create(community=home, code="east", name="辽阳东路门岗")
    north = Gate.objects.create(community=home, code="north", name="北门岗")
    group = working_group_create(actor=personas["leader"], community=home, name="组", established=date(2020, 1, 24))
    li = member_add(actor=personas["leader"], group=group, name="李主任", position=Member.Position.DIRECTOR)
    zhang = member_add(actor=personas["leader"], group=group, name="张书记", position=Member.Position.SECRETARY)
    today = datetime.now(SH).date()
    start = datetime.combine(today, datetime.min.time(), tzinfo=SH) + timedelta(hours=8)
    # Saved before the rules (an import): 李主任 leads both gates at once.
    for gate in (east, north):
        s = Shift.objects.create(community=home, gate=gate, starts_at=start, ends_at=start + timedelta(hours=8),
                                 leader=li)
        if gate == east:
            s.staff.set([personas["guard"], personas["office"]])
    return {"east": east, "north": north, "li": li, "zhang": zhang, "today": today}


def _width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_the_week_on_a_phone_stacks_the_days_and_fits_the_screen(week, staff_page):
    _context, page = staff_page("leader")
    page.goto("/gate/roster/east/")
    scroll, inner = _width(page)
    assert scroll <= inner, f"the page is {scroll} px wide on a {inner} px screen"
    lefts = page.locator(".week .day").evaluate_all("days => days.map(d => d.getBoundingClientRect().left)")
    assert len(lefts) == 7 and len(set(lefts)) == 1  # one under another
    today = page.locator(".day.today")
    expect(today).to_have_count(1)
    expect(today).to_have_attribute("id", f"day-{week['today']:%Y-%m-%d}")
    expect(today.locator(".conflicts")).to_contain_text("李主任")
    expect(today.locator(".conflicts")).to_contain_text("北门岗")


def test_the_week_on_a_laptop_is_seven_columns(week, browser, live_server, personas):
    context = browser.new_context(base_url=live_server.url, **LAPTOP)
    try:
        page = context.new_page()
        sign_in(page, "leader", "pw-leader")
        page.goto("/gate/roster/east/")
        scroll, inner = _width(page)
        assert scroll <= inner
        tops = page.locator(".week .day").evaluate_all("days => days.map(d => d.getBoundingClientRect().top)")
        lefts = page.locator(".week .day").evaluate_all("days => days.map(d => d.getBoundingClientRect().left)")
        assert len(set(tops)) == 1 and len(set(lefts)) == 7  # side by side
        # Change the clashing shift from the grid: the form refuses while 李主任 still leads at the north gate.
        page.locator(".day.today .shift-actions a").first.click()
        page.locator("select[name=ends_at], input[name=ends_at]").first.wait_for()
        page.locator("form.big-form button[type=submit]").click()
        expect(page.locator("#id_leader_error")).to_contain_text("北门岗")
        page.locator("select[name=leader]").select_option(str(week["zhang"].pk))
        page.locator("form.big-form button[type=submit]").click()
        expect(page).to_have_url(f"{live_server.url}/gate/roster/east/?week="
                                 f"{week['today'] - timedelta(days=week['today'].weekday()):%Y-%m-%d}")
        assert Shift.objects.get(gate=week["east"]).leader == week["zhang"]
        expect(page.locator(".day.today .conflicts")).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_the_roster_pages_pass_axe_and_fit_a_thumb(week, browser, live_server, size):
    """The week grid, the edit form and the delete confirmation: no critical or serious axe-core violation,
    nothing wider than the window, and on a phone no target under 44 px (tests/e2e/test_accessibility.py)."""
    from tests.e2e.conftest import PHONE
    from tests.e2e.test_accessibility import _axe_source, check_page

    axe = _axe_source()
    context = browser.new_context(base_url=live_server.url, **(PHONE if size == "phone" else LAPTOP))
    try:
        page = context.new_page()
        sign_in(page, "leader", "pw-leader")
        shift = Shift.objects.get(gate=week["east"])
        found = {}
        for path in ("/gate/roster/east/", "/gate/roster/", f"/gate/roster/shifts/{shift.pk}/edit",
                     f"/gate/roster/shifts/{shift.pk}/delete", "/gate/"):
            assert page.goto(path).status == 200
            if problems := check_page(page, axe, phone=size == "phone"):
                found[path] = problems
        assert not found, found
    finally:
        context.close()
