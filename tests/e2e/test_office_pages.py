"""The office's pages in words, in Chromium at phone and laptop size: the policy page (every setting's form
open, long values), the audit log with its filters, and an error page fit the window, with no critical or
serious axe-core violation and, on a phone, no target under 44 px (tests/e2e/test_accessibility.py)."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.browser
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def office_data(transactional_db, personas, places, make_person):
    from fangkong.policy.services import policy_set
    from fangkong.registry.services import person_reveal

    home = places["home"]
    personas["leader"].display_name = "王书记"
    personas["leader"].save(update_fields=["display_name"])
    policy_set(actor=personas["leader"], key="gate_fever_instruction", value="请被测者在东门临时留观点等候" * 12,
               community=home, effective_from=date(2020, 2, 1), note="很长的说明" * 20)
    policy_set(actor=personas["leader"], key="key_areas", value=["湖北省", "温州市", "广州市", "深圳市", "北京市"],
               community=home, effective_from=date(2020, 2, 1))
    for _i in range(3):
        person_reveal(actor=personas["leader"], person=make_person(places["grid1"], name="欧阳长名字"),
                      field="id_number")
    return home


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_policy_audit_and_error_pages_fit_the_window(office_data, browser, live_server, size):
    from tests.e2e.conftest import PHONE, sign_in
    from tests.e2e.test_accessibility import _axe_source, check_page

    axe = _axe_source()
    context = browser.new_context(base_url=live_server.url, **(PHONE if size == "phone" else LAPTOP))
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, "leader", "pw-leader")
        found = {}
        for path, status in [(f"/policy/{office_data.code}/", 200), ("/accounts/audit/", 200),
                             ("/accounts/audit/?action=reveal&day_from=2020-01-01", 200), ("/people/999999/", 404)]:
            assert page.goto(path).status == status
            if path.startswith("/policy/"):
                for summary in page.locator("details.policy-edit > summary").all():
                    summary.click()  # every setting's form open at once: the widest the page gets
            if problems := check_page(page, axe, phone=size == "phone"):
                found[path] = problems
        assert not found, found
    finally:
        context.close()
