"""Issue acceptance in a real browser, at phone size: search, open, reveal (audited), and the grid fence.

Headless Debian Chromium against pytest-django's live server; people come from the conftest fixtures,
users log in through the login form. SQLite is enough (CI runs browser tests there).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser]

SCREENSHOT = Path(tempfile.gettempdir()) / "e2e-person.png"  # /tmp/e2e-person.png, to look at


@pytest.fixture
def phone(browser, live_server):
    """Open a fresh phone-sized browser context (own cookies) and log a persona in through the form."""
    contexts = []

    def log_in(username: str, **options):
        context = browser.new_context(base_url=live_server.url, **{**PHONE, **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/?next=/people/")  # a grid worker would start on today's round
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill("pw-" + username)
        page.locator("form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/people/$"))
        return page

    yield log_in
    for context in contexts:
        context.close()


def search(page, text: str) -> None:
    """Search from the people list; htmx swaps the rows in. Waits for the answer, not for the swap."""
    page.locator("input[name=q]").fill(text)
    with page.expect_response(lambda r: "/people/?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("form.filters button[type=submit]").click()


def test_office_finds_a_person_reveals_the_id_number_and_the_leader_sees_it_audited(
    transactional_db, live_server, personas, places, make_person, phone
):
    person = make_person(places["grid1"], name="王小明", phone="13812345678")
    make_person(places["grid1"], name="王小红")
    make_person(places["grid2"], name="李小明")

    page = phone("office")
    search(page, "王小明")
    rows = page.locator("#people tbody tr")
    expect(rows).to_have_count(1)  # of three people named 王小明, 王小红 and 李小明
    expect(rows.first).to_contain_text(person.id_number_masked)
    expect(page).to_have_url(re.compile(r"[?&]q="))  # htmx pushed the search into the address bar

    rows.first.get_by_role("link", name="王小明").click()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.locator("h1")).to_contain_text("王小明")
    id_number = page.locator("#id_number")
    expect(id_number).to_have_text(person.id_number_masked)
    assert person.id_number not in page.content()

    reveal = page.locator("#reveal-id")
    expect(reveal).to_have_text(re.compile(r"^\s*(Show|显示)\s*$"))
    with page.expect_response(lambda r: r.request.method == "POST" and "/reveal/id_number/" in r.url) as answer:
        reveal.click()
    assert answer.value.status == 200
    expect(id_number).to_have_text(person.id_number)
    expect(id_number).to_have_class(re.compile(r"\brevealed\b"))
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Office staff may not read the audit log...
    assert page.request.get("/accounts/audit/").status == 403

    # ...the community leader can, and finds this reveal there, without the value.
    audit = phone("leader")
    audit.goto("/accounts/audit/")
    reveal_rows = audit.locator("#audit tr.audit-reveal")
    expect(reveal_rows).to_have_count(1)
    cells = reveal_rows.first.locator("td")
    expect(cells.nth(1)).to_have_text("office")  # the persona has no display name: its username
    # The person by the masked name, linked to the dossier; the field in words, not `id_number`.
    expect(cells.nth(3).locator(f'a[href="/people/{person.pk}/"]')).to_have_text("王*明")
    expect(cells.nth(4)).to_have_text(re.compile(r"^\s*(ID number|证件号码)\s*$"))
    assert person.id_number not in audit.content()


def test_grid_worker_finds_no_one_of_another_grid_by_exact_id_number(
    transactional_db, live_server, personas, places, make_person, phone
):
    mine = make_person(places["grid1"], name="张一")
    theirs = make_person(places["grid2"], name="张二")

    page = phone("grid1")
    # The exact-ID search works for a person of their own grid...
    people, no_one = page.locator("#people"), page.locator("#people tbody td[colspan='7']")  # "No one found."
    search(page, mine.id_number)
    expect(people.locator("tbody tr")).to_have_count(1)
    expect(people).to_contain_text("张一")
    expect(no_one).to_have_count(0)

    # ...and finds nothing for a person of grid 2, not even that someone exists.
    search(page, theirs.id_number)
    expect(no_one).to_have_count(1)
    expect(people.locator("tbody tr")).to_have_count(1)
    expect(people).not_to_contain_text("张一")
    expect(people).not_to_contain_text("张二")
    expect(people).not_to_contain_text(theirs.id_number_masked)

    # Nor does the person's page open by guessing its address.
    assert page.request.get(f"/people/{theirs.pk}/").status == 404


def test_id_number_fits_in_the_card_on_a_phone(transactional_db, live_server, personas, places, make_person, phone):
    person = make_person(places["grid1"], name="王小明")
    page = phone("office", locale="en-US")  # the longest label ("resident ID card") is the worst case
    page.goto(f"/people/{person.pk}/")
    card = page.locator("section.card").bounding_box()
    number = page.locator("#id_number").bounding_box()
    assert number["x"] + number["width"] <= card["x"] + card["width"]
