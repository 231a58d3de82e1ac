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


def launch(pw, *extra_args: str):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + list(extra_args))


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
