"""The login page and the audit log's filter, in headless Chromium under the Content-Security-Policy:
whatever the policy refuses fails the test (tests/e2e/conftest.py). The print button and the API docs
page: tests/test_deploy.py."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import _no_csp_violations, browser, pw, staff_page  # noqa: F401 -- fixtures

pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser]


def _session_cookie(context) -> dict:
    return next(c for c in context.cookies() if c["name"] == "sessionid")


def test_the_session_cookie_lasts_only_when_asked_to(
    transactional_db, live_server, personas,
    staff_page,  # noqa: F811 -- the fixture imported above
):
    context, _ = staff_page("office")
    assert _session_cookie(context)["expires"] == -1  # ends with the browser
    context, _ = staff_page("leader", remember=True)
    assert _session_cookie(context)["expires"] > 0


def test_the_audit_filter_submits_itself(
    transactional_db, live_server, personas,
    staff_page,  # noqa: F811 -- the fixture imported above
):
    _, page = staff_page("leader")
    page.goto("/accounts/audit/")
    with page.expect_navigation():
        page.locator("select[name=action]").select_option("create")
    assert "action=create" in page.url
