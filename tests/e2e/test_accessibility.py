"""Every role's main pages, on a phone (390×844) and a laptop (1366×768), in headless Chromium over the
demo community: axe-core (npm, WCAG 2 A and AA) finds no critical or serious violation, no page is wider
than the window, and on a phone what a thumb has to hit is at least 44 px.

The demo is loaded once for the module (≈ 15 s) behind a live server of this module's own, since
pytest-django's `live_server` empties the database after every test; the module empties it at the end.
axe-core comes from npm (`package.json` devDependencies; `./run test` installs it): without it these tests
fail, they do not skip, so that an install that lost it does not pass unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE, sign_in

playwright_sync = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
SIZES = {"phone": PHONE, "laptop": LAPTOP}
THUMB = 44  # px: the smallest touch target on a phone (WCAG 2.5.5, Apple's and Android's guidelines)

# The demo's login of each role (fangkong.demo.community).
ROLES = {"admin": "admin", "leader": "secretary", "office": "office1", "grid1": "grid1", "street": "street",
         "guard": "guard1"}


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker) -> Iterator[tuple[str, list[str]]]:
    """The demo behind a live server of the module: (base url, the pages to visit)."""
    from django.core.management import call_command
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    from fangkong.core.localcache import clear_all
    from fangkong.demo.community import load_demo

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                             TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
    with django_db_blocker.unblock(), fast:
        clear_all()
        load_demo()
        pages = _main_pages()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url, pages
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            clear_all()


def _main_pages() -> list[str]:
    """The main pages of the demo: lists, and one of each detail page a role works on."""
    from fangkong.demo.community import DEMO_CODE
    from fangkong.gates.models import Gate
    from fangkong.observation.models import Observation
    from fangkong.registry.models import Person
    from fangkong.screening.models import Round

    person = Person.objects.filter(community__code=DEMO_CODE, household__grid__number=1).order_by("pk").first()
    gate = Gate.objects.filter(community__code=DEMO_CODE).order_by("pk").first()
    round_ = Round.objects.filter(community__code=DEMO_CODE, closed_at=None).order_by("-pk").first()
    observation = Observation.objects.filter(community__code=DEMO_CODE).order_by("pk").first()
    pages = ["/", "/people/", f"/people/{person.pk}/", "/households/", f"/households/{person.household_id}/",
             "/screening/", "/screening/today/", "/screening/changes/",
             "/observation/", "/observation/alerts/", "/observation/returnees/", "/observation/sites/",
             "/passes/", "/passes/issue/", "/gate/", f"/gate/{gate.code}/", "/gate/roster/",
             "/policy/", f"/policy/{DEMO_CODE}/", "/workgroup/", f"/workgroup/{DEMO_CODE}/", "/accounts/audit/",
             "/import/", "/reports/daily/", "/reports/street/", "/verification/", "/verification/rows/",
             "/ledgers/", "/ledgers/layouts/"]
    if round_ is not None:  # the round, and the visit form of a door on it (a grid worker's phone page)
        pages += [f"/screening/rounds/{round_.pk}/",
                  f"/screening/rounds/{round_.pk}/households/{person.household_id}/visit/"]
    if observation is not None:
        pages.append(f"/observation/{observation.pk}/")
    return pages


# In the page: the problems a thumb meets on a phone. Targets: what is in the header; in the page, buttons,
# form fields and links, except links inside running text (exempt, as in WCAG 2.5.8);
# a checkbox or radio counts by its label when it has one, since tapping the label ticks it.
SMALL_TARGETS = """(min) => {
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden'; };  // 1 px: for screen readers only
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} "${text}"`;
  };
  // A link in running text: its block has words of its own beside the link(s).
  const words = (node) => node.nodeType === Node.TEXT_NODE && node.textContent.replace(/[\\s·|,，、()（）]/g, '');
  const inText = (a) => [...a.parentElement.childNodes].some(words);
  const selectors = [
    'header a', 'header button', 'header summary', 'header select',
    'main button', 'main select', 'main summary', 'main input:not([type=hidden])', 'main a'];
  const seen = new Set(); const small = [];
  for (const el of document.querySelectorAll(selectors.join(','))) {
    if (!visible(el)) continue;
    if (el.matches('main a') && !el.closest('table, .chips, .pager, nav') && inText(el)) continue;
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) target = el.closest('label') ||
      (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    if (seen.has(target)) continue; seen.add(target);
    const r = target.getBoundingClientRect();
    const wide = el.matches('button, input[type=checkbox], input[type=radio], summary');
    if (r.height < min - 0.5 || (wide && r.width < min - 0.5))
      small.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return small;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
  return result.violations.filter(v => v.impact === 'critical' || v.impact === 'serious').map(v =>
    `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')
    + (v.nodes.length > 4 ? ` (+${v.nodes.length - 4} more)` : ''));
}"""


def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run `npm ci` (./run test does), it is a devDependency "
                    "in package.json", pytrace=False)
    return AXE.read_text(encoding="utf-8")


@pytest.mark.django_db  # also makes pytest-django set the test database up when this module runs alone
def test_axe_core_is_installed():
    """The page tests need no transaction of their own (the demo is the module's, and the live server
    writes sessions in autocommit); this one test asks for the database so that pytest-django creates it."""
    assert "axe.run" in _axe_source() or ".run=" in _axe_source()


def _log_in(browser, base_url: str, size: str, username: str, **options):
    from fangkong.demo.community import DEMO_PASSWORD

    context = browser.new_context(base_url=base_url, **{**SIZES[size], **options})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, username, DEMO_PASSWORD)
    return context, page


def check_page(page, axe: str, *, phone: bool) -> list[str]:
    """What is wrong with the page as it stands: axe's critical and serious violations, a page wider
    than the window, and (on a phone) targets under 44 px."""
    problems = []
    page.evaluate(axe)  # evaluate() is not subject to the page's Content-Security-Policy
    problems += page.evaluate(AXE_RUN)
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width > window:
        problems.append(f"the page is {width} px wide in a {window} px window")
    if phone and (small := page.evaluate(SMALL_TARGETS, THUMB)):
        problems.append(f"{len(small)} targets under {THUMB} px: " + "; ".join(small[:8])
                        + (" …" if len(small) > 8 else ""))
    return problems


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("role", list(ROLES))
def test_main_pages_have_no_serious_accessibility_violation_and_fit_the_window(demo_site, browser, role, size):
    walk_main_pages(demo_site, browser, role, size, "zh-CN")


def test_the_office_pages_in_english_on_a_phone(demo_site, browser):
    """English words are longer and Latin lines lower than Chinese ones: the office's pages again."""
    walk_main_pages(demo_site, browser, "office", "phone", "en")


def walk_main_pages(demo_site, browser, role: str, size: str, language: str) -> None:
    base_url, pages = demo_site
    axe = _axe_source()
    context, page = _log_in(browser, base_url, size, ROLES[role], locale=language)
    found: dict[str, list[str]] = {}
    opened = 0
    try:
        for path in pages:
            response = page.goto(path)
            if response is None or response.status in (403, 404):
                continue  # not one of this role's pages (the authorisation matrix tests who may open what)
            opened += 1
            if response.status != 200:
                found[path] = [f"answered {response.status}"]
                continue
            problems = check_page(page, axe, phone=size == "phone")
            if problems:
                found[f"{path} → {page.url.removeprefix(base_url)}"] = problems
    finally:
        context.close()
    assert opened >= 3, f"{role} opened only {opened} pages"
    assert not found, f"{role} at {size} size in {language}:\n" + "\n".join(
        f"  {where}\n" + "\n".join(f"    - {p}" for p in problems) for where, problems in found.items())


@pytest.mark.parametrize("size", list(SIZES))
def test_the_login_page_and_an_error_page_pass_too(demo_site, browser, size):
    """The two pages everyone meets: the login form (before anyone is known) and a refusal (a guard
    opening the people list)."""
    base_url, _ = demo_site
    axe = _axe_source()
    context = browser.new_context(base_url=base_url, **SIZES[size])
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        assert check_page(page, axe, phone=size == "phone") == []
    finally:
        context.close()
    context, page = _log_in(browser, base_url, size, ROLES["guard"])
    try:
        assert page.goto("/people/").status == 403
        assert check_page(page, axe, phone=size == "phone") == []
    finally:
        context.close()


def test_the_navigation_collapses_into_one_line_with_a_menu_on_a_phone(demo_site, browser):
    """On a phone the header is one line: the brand, the menu button and the language switch; the menu
    opens the links, each at least 44 px high, and the user's name."""
    base_url, _ = demo_site
    context, page = _log_in(browser, base_url, "phone", "office1")
    try:
        page.goto("/people/")
        header = page.locator("header.top")
        height = header.bounding_box()["height"]
        assert height <= 64, f"the header is {height} px high on a phone"
        nav_link = page.locator("header.top nav a").first
        playwright_sync.expect(nav_link).to_be_hidden()
        menu = page.locator("header.top .menu-toggle")
        playwright_sync.expect(menu).to_be_visible()
        # the open alerts show on the closed menu too
        playwright_sync.expect(menu.locator(".badge")).to_have_text(re.compile(r"^[1-9]\d*$"))
        playwright_sync.expect(menu).to_have_attribute("aria-expanded", "false")
        menu.click()
        playwright_sync.expect(nav_link).to_be_visible()
        playwright_sync.expect(menu).to_have_attribute("aria-expanded", "true")
        for box in (link.bounding_box() for link in page.locator("header.top nav a").all()):
            assert box["height"] >= THUMB
        from fangkong.accounts.models import User

        playwright_sync.expect(page.locator("header.top .who")).to_have_text(str(User.objects.get(username="office1")))
        page.keyboard.press("Escape")
        playwright_sync.expect(nav_link).to_be_hidden()
    finally:
        context.close()


def test_the_navigation_is_one_open_row_on_a_laptop(demo_site, browser):
    base_url, _ = demo_site
    context, page = _log_in(browser, base_url, "laptop", "office1")
    try:
        page.goto("/people/")
        playwright_sync.expect(page.locator("header.top .menu-toggle")).to_be_hidden()
        playwright_sync.expect(page.locator("header.top nav a").first).to_be_visible()
        favicon = page.locator("link[rel=icon]")
        href = favicon.get_attribute("href")
        assert href and re.search(r"\.svg$", href)
        assert page.request.get(href).status == 200
    finally:
        context.close()
