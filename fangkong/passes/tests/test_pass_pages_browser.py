"""The pass pages in headless Chromium on a phone: people picked by search and tick get their passes,
and a print job's page polls its progress bar (htmx, no inline script) until the download link
appears; no Content-Security-Policy violation, no serious axe-core finding, no target under 44 px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.e2e.conftest import launch

    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, live_server) -> Iterator:
    from tests.e2e.conftest import CSP_VIOLATIONS, PHONE, sign_in

    CSP_VIOLATIONS.clear()
    context = chromium.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, "office", "pw-office")
    yield page
    context.close()
    assert not CSP_VIOLATIONS, "Content-Security-Policy violations:\n" + "\n".join(CSP_VIOLATIONS)


def _problems(page) -> list[str]:
    from tests.e2e.test_accessibility import _axe_source, check_page

    return check_page(page, _axe_source(), phone=True)


def test_pick_people_by_search_and_tick(transactional_db, places, personas, make_person, phone):
    from fangkong.passes.models import Pass

    chosen = [make_person(places["grid1"], name=f"王{n}", category="floating") for n in "一二三"]
    make_person(places["grid2"], name="李四", category="floating")
    page = phone
    for way in ("category", "grid", "building"):
        page.goto(f"/passes/issue/?by={way}")
        assert not _problems(page), (way, _problems(page))
    page.goto("/passes/issue/?by=picked")
    page.locator("#pick-search input[name=q]").fill("王")
    page.locator("#pick-search button").click()
    page.wait_for_selector(f"#pick-{chosen[0].pk}")
    assert page.locator("input[name=people]").count() == 3
    assert not _problems(page), _problems(page)
    page.locator(f"#pick-{chosen[0].pk}").check()
    page.locator(f"#pick-{chosen[2].pk}").check()
    page.locator("form.card button.primary").click()
    page.wait_for_selector("#issue-status[data-status=done]")
    assert set(Pass.objects.values_list("person_id", flat=True)) == {chosen[0].pk, chosen[2].pk}
    assert page.locator("#issue-status a[data-part], #issue-status button[data-part]").count() == 1  # print them


def test_a_print_jobs_page_polls_its_progress_bar_to_the_download(transactional_db, places, personas, phone):
    from fangkong.passes import tasks
    from fangkong.passes.services import pass_issue_bulk
    from fangkong.registry.models import Person

    home = places["home"]
    Person.objects.bulk_create([Person(community=home, grid=places["grid1"], name=f"流动{i:02d}", category="floating",
                                       retain_until=date(2030, 1, 1)) for i in range(50)])
    passes = pass_issue_bulk(actor=personas["office"], community=home, kind="temporary", valid_from=date(2020, 2, 1),
                             valid_until=date(2020, 2, 14), people=Person.objects.filter(community=home))
    job_id = tasks.print_job_start(actor=personas["office"], numbers=[p.number for p in passes])
    tasks._print_update(job_id, status="running", done=16, total=50)  # as a worker halfway would leave it
    page = phone
    page.goto(f"/passes/print/{job_id}/")
    bar = page.locator("#print-status progress")
    assert bar.get_attribute("value") == "32"
    assert not _problems(page), _problems(page)
    tasks._print_update(job_id, status="done", done=50)
    link = page.locator(f"#print-status a[href='/passes/print/{job_id}/cards.pdf']")
    link.wait_for(timeout=5_000)  # the next poll brings it, without reloading the page
    assert page.locator("#print-status progress").count() == 0
    with page.expect_download() as download:
        link.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.goto("/passes/")
    assert not _problems(page), _problems(page)
