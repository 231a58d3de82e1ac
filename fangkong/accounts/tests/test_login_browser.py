"""The login page and the pages that lost their inline handlers, in headless Chromium under the
Content-Security-Policy: whatever the policy refuses fails the test (tests/e2e/conftest.py)."""

from __future__ import annotations

import re

import pytest

from fangkong.observation.models import ReportLink
from fangkong.observation.returnees import link_issue
from tests.e2e.conftest import PHONE, _no_csp_violations, browser, pw  # noqa: F401 -- fixtures

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser]


@pytest.fixture
def log_in(browser, live_server):  # noqa: F811
    contexts = []

    def go(username: str, *, remember: bool = False):
        context = browser.new_context(base_url=live_server.url, **PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill("pw-" + username)
        if remember:
            page.locator("input[name=remember]").check()
        page.locator("form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        return context, page

    yield go
    for context in contexts:
        context.close()


def _session_cookie(context) -> dict:
    return next(c for c in context.cookies() if c["name"] == "sessionid")


def test_the_session_cookie_lasts_only_when_asked_to(transactional_db, live_server, personas, log_in):
    context, _ = log_in("office")
    assert _session_cookie(context)["expires"] == -1  # ends with the browser
    context, _ = log_in("leader", remember=True)
    assert _session_cookie(context)["expires"] > 0


def test_the_audit_filter_submits_itself(transactional_db, live_server, personas, log_in):
    _, page = log_in("leader")
    page.goto("/accounts/audit/")
    with page.expect_navigation():
        page.locator("select[name=action]").select_option("create")
    assert "action=create" in page.url


def test_the_print_button_prints(transactional_db, live_server, personas, places, make_person, log_in):
    resident = make_person(places["grid1"], name="孙居民")
    link, _token = link_issue(actor=personas["office"], person=resident, kind=ReportLink.Kind.RESIDENT)
    _, page = log_in("office")
    page.goto(f"/observation/links/{link.pk}/")
    # (a statement list: Playwright would call an expression whose value is a function)
    page.evaluate("window.printed = 0; window.print = () => { window.printed += 1; }; null")
    page.locator("button[data-print]").click()
    assert page.evaluate("window.printed") == 1


def test_the_api_docs_page_works_under_the_policy(transactional_db, live_server, personas, log_in):
    _, page = log_in("office")
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
