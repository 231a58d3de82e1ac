"""Today's briefing in Chromium: the community's secretary opens it, adds an action item and ticks it done,
with htmx swapping the list in place; no console errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_secretary_adds_and_ticks_an_action(transactional_db, personas, places, staff_page):
    from fangkong.meetings.models import ActionItem

    errors: list[str] = []
    _context, page = staff_page("leader")
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/meetings/")
    page.wait_for_selector("#briefing-morning")
    page.evaluate("window.stayed = true")  # gone if a form reloaded the page instead of htmx swapping a block
    block = page.locator("#actions-morning")
    block.locator("input[name=text]").fill("东门加派一名志愿者")
    block.locator("input[name=owner]").fill("grid1")
    block.locator("button[type=submit].primary").click()
    page.wait_for_selector('#actions-morning li.action-item[data-done="0"]')
    item = ActionItem.objects.get()
    assert item.text == "东门加派一名志愿者" and item.owner.username == "grid1" and not item.done
    page.locator(f'#actions-morning li[data-action="{item.pk}"] button.tick-button').click()
    page.wait_for_selector(f'#actions-morning li[data-action="{item.pk}"][data-done="1"]')
    item.refresh_from_db()
    assert item.done and item.done_by == personas["leader"]
    assert page.evaluate("window.stayed === true")
    assert not errors, errors


def test_meetings_pages_are_accessible_on_a_phone(transactional_db, personas, places, staff_page):
    from datetime import timedelta

    from django.utils import timezone

    from fangkong.core.dates import local_today
    from fangkong.meetings import services
    from tests.e2e.test_accessibility import _axe_source, check_page

    leader, home = personas["leader"], places["home"]
    b = services.briefing_get_or_generate(actor=leader, community=home, day=local_today(), kind="morning")
    services.action_add(actor=leader, briefing=b, text="东门加派志愿者", owner="grid1",
                        due=local_today() - timedelta(days=1))
    meeting = services.meeting_create(actor=leader, community=home, kind="deployment", title="部署会",
                                      held_at=timezone.now())
    version = services.plan_version_add(actor=leader, community=home, kind="work", body="方案")
    axe = _axe_source()
    found = {}
    for who, path in (("leader", "/meetings/"), ("leader", "/meetings/actions/"),
                      ("leader", f"/meetings/meetings/{meeting.pk}/"), ("leader", "/meetings/meetings/new"),
                      ("leader", f"/meetings/plans/{version.plan_id}/"), ("leader", "/meetings/plans/"),
                      ("street", "/meetings/"), ("grid1", "/meetings/actions/"),
                      ("leader", f"/meetings/briefings/{b.pk}/print")):
        _context, page = staff_page(who)
        page.goto(path)
        if problems := check_page(page, axe, phone=True):
            found[f"{who} {path}"] = problems
    assert not found, found
