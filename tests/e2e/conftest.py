"""Headless Debian Chromium for the browser tests, driven by Playwright with its executablePath."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise refuse to work here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


# What Chromium said in the console about the Content-Security-Policy during the current test: a page
# that needs an inline script, style or event handler, or a source the policy does not allow, fails the test
# (the browser would silently drop what it refused).
CSP_VIOLATIONS: list[str] = []


def _watch_csp(context) -> None:
    context.on("console", lambda message: CSP_VIOLATIONS.append(f"{message.location.get('url')}: {message.text}")
               if "Content Security Policy" in message.text else None)


def launch(pw, *extra_args: str):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + list(extra_args))
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        _watch_csp(context)
        return context

    browser.new_context = watched_context
    return browser


@pytest.fixture(autouse=True)
def _no_csp_violations() -> Iterator[None]:
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "Content-Security-Policy violations:\n" + "\n".join(CSP_VIOLATIONS)


@pytest.fixture(scope="module")
def pw() -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(pw) -> Iterator:
    b = launch(pw)
    yield b
    b.close()


def sign_in(page, username: str, password: str, *, remember: bool = False) -> None:
    """Log in through the login form (ticking "keep me logged in" if asked) and wait until it lets the
    browser in."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    if remember:
        page.locator("input[name=remember]").check()
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def staff_page(browser, live_server) -> Iterator:
    """Log a persona in through the login form in a fresh phone-sized context: `staff_page("office")`
    → (context, page); `remember=True` ticks "keep me logged in"."""

    contexts = []

    def log_in(username: str, *, remember: bool = False):
        context = browser.new_context(base_url=live_server.url, **PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username, "pw-" + username, remember=remember)
        return context, page

    yield log_in
    for context in contexts:
        context.close()
