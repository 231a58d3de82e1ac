"""The gate console offline, in a real browser at phone size (docs/gate-console-offline.md): opened once online,
it keeps working with the network gone, also after a reload (the service worker's copy); it decides 20 scans on
the device with the server's rules and reason codes; meanwhile another gate lets one of those passes out; with
the network back the queue drains, the server holds each offline scan once with the device's time, and the
double exit is a conflict for the office and on the console.

Then the figures the product asks for, printed for docs/performance.md and held to their budgets here
(the browser is the benchmark): an offline decision (QR verified, rules, queue write) under 50 ms p95 with the
CPU throttled 4× over 200 scans; a full feed of 5,000 passes with 500 revoked applied in under a second.

Headless Debian Chromium against pytest-django's live server, SQLite.
"""

from __future__ import annotations

import gzip
import importlib
import json
import re
import statistics
import time
from datetime import date, timedelta

import pytest

from tests.e2e.conftest import PHONE, sign_in

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser]



def state(page, name: str, value: str, timeout: int = 20_000) -> None:
    """Wait until the console's state on <html> (data-offline-ready, data-queue, data-online) reads `value`."""
    expect(page.locator("html")).to_have_attribute(f"data-{name}", value, timeout=timeout)


# ---- the world: a community with two gates, a guard, passes of every kind the test needs


@pytest.fixture
def gates(places):
    from fangkong.gates.models import Gate

    home = places["home"]
    return {"east": Gate.objects.create(community=home, code="east", name="辽阳东路门岗"),
            "north": Gate.objects.create(community=home, code="north", name="北门岗")}


@pytest.fixture
def world(personas, places, make_person, gates):
    from fangkong.passes.services import pass_issue, pass_revoke, passes_suspend_for_person
    from fangkong.passes.signing import pass_qr

    office = personas["office"]
    start, end = date(2020, 1, 1), date(2099, 12, 31)

    def issue(kind: str, name: str):
        person = make_person(places["grid1"], name=name, category="floating" if kind == "temporary" else "registered")
        return pass_issue(actor=office, person=person, kind=kind, valid_from=start, valid_until=end)

    residents = [issue("resident", f"居民{i}") for i in range(10)]
    temporary = [issue("temporary", f"务工{i}") for i in range(3)]
    revoked = issue("resident", "已撤销")
    pass_revoke(actor=office, number=revoked.number, reason="丢失")
    suspended = issue("resident", "观察中")
    passes_suspend_for_person(person=suspended.person, suspended=True)
    # The codes printed on the cards, signed before the console's first sync (which brings the public keys).
    for p in [*residents, *temporary, revoked, suspended]:
        QR[p.pk] = pass_qr(p)
    return {"residents": residents, "temporary": temporary, "revoked": revoked, "suspended": suspended}


QR: dict[int, str] = {}


def qr(p) -> str:
    return QR[p.pk]


def tampered(text: str) -> str:
    i = 40
    return text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:]


def open_console(browser, live_server, username: str = "guard"):
    context = browser.new_context(base_url=live_server.url, service_workers="allow", **PHONE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, username, "pw-" + username)
    page.goto("/gate/east/")
    page.wait_for_load_state("load")
    # Online once: the service worker in charge with this page kept, the first feed applied.
    state(page, "offline-ready", "1", timeout=30_000)
    return context, page


def scan(page, code: str, *, direction: str, id_number: str = "", temperature: str = ""):
    """Fill the form as a guard would and press Enter in the pass field; returns the answer screen."""
    page.locator(f"label.dir-{direction}").click()
    page.locator("input[name=code]").fill(code)
    if id_number and page.locator("input[name=id_number]").is_visible():
        page.locator("input[name=id_number]").fill(id_number)
    if temperature:
        page.locator("input[name=temperature]").fill(temperature)
    page.locator("input[name=code]").press("Enter")
    answer = page.locator("#scan-answer .answer")
    expect(answer).to_be_visible()
    return answer


# Everything one object store of the device's IndexedDB holds.
READ_STORE = """async (name) => {
    const db = await new Promise((ok) => {
        const r = indexedDB.open("fangkong-gate");
        r.onsuccess = () => ok(r.result);
    });
    return await new Promise((ok) => {
        const r = db.transaction(name).objectStore(name).getAll();
        r.onsuccess = () => ok(r.result);
    });
}"""


def reasons_of(answer) -> list[str]:
    return answer.locator(".reasons li").evaluate_all("items => items.map(li => li.dataset.reason)")


def next_scan(page) -> None:
    page.locator("#scan-answer .answer-next").click()
    expect(page.locator("#scan-answer .answer")).to_have_count(0)


def test_the_console_decides_offline_and_uploads_its_queue_when_the_network_is_back(
    transactional_db, live_server, personas, world, browser, api_client
):
    from fangkong.gates.models import Scan

    context, page = open_console(browser, live_server)
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    expect(page.locator("#offline-status")).to_be_visible()
    expect(page.locator("link[rel=manifest]")).to_have_count(1)
    # Chromium found the app's manifest (installable: name, start URL, icons) and the console registered the worker.
    cdp = context.new_cdp_session(page)
    app = cdp.send("Page.getAppManifest")
    assert app["url"].endswith("/gate/manifest.webmanifest") and not app["errors"], app
    # Installable: nothing missing but a profile that is not incognito (Playwright's contexts all are).
    errors = {e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]}
    assert errors <= {"in-incognito"}, errors
    manifest = page.request.get("/gate/manifest.webmanifest").json()
    assert manifest["start_url"] == "/gate/" and manifest["display"] == "standalone"
    assert {i["purpose"] for i in manifest["icons"]} == {"any", "maskable"}
    # Nothing on the device more readable than it must be: no name, no ID number in what it keeps.
    kept = json.dumps([page.evaluate(READ_STORE, name) for name in ("feeds", "meta", "queue")])
    residents, temporary = world["residents"], world["temporary"]
    people = [p.person for p in residents + temporary + [world["revoked"], world["suspended"]]]
    assert all(p.id_number not in kept and p.name not in kept for p in people)
    assert all(str(p.number) in kept for p in residents)

    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.ok and response.from_service_worker
    page.wait_for_load_state("load")
    state(page, "online", "0")
    expect(page.locator("#offline-status")).to_have_class(re.compile(r"\bis-offline\b"))

    t1, t2, t3 = temporary
    decided = []

    def expect_answer(answer, decision: str, reasons: list[str]) -> None:
        expect(answer.locator(".offline-badge")).to_be_visible()
        assert (answer.get_attribute("data-decision"), reasons_of(answer)) == (decision, reasons)
        decided.append((decision, reasons))
        next_scan(page)

    for p in residents:  # 1–10: out by QR, no quota for residents
        expect_answer(scan(page, qr(p), direction="out"), "allow", [])
    answer = scan(page, residents[0].number, direction="in", temperature="36.5")  # 11: typed number, in
    expect(answer).to_contain_text(residents[0].number)
    expect_answer(answer, "allow", [])
    expect_answer(scan(page, qr(t1), direction="out", id_number=t1.person.id_number), "allow", [])  # 12
    expect_answer(scan(page, qr(t1), direction="out", id_number=t1.person.id_number), "deny",  # 13: second exit
                  ["exit_quota_reached"])
    expect_answer(scan(page, qr(t2), direction="out", id_number=t2.person.id_number), "allow", [])  # 14
    expect_answer(scan(page, t3.person.id_number, direction="out"), "allow", [])  # 15: the ID card as the key
    expect_answer(scan(page, qr(world["revoked"]), direction="out"), "deny", ["pass_revoked"])  # 16
    expect_answer(scan(page, tampered(qr(residents[1])), direction="out"), "deny", ["bad_signature"])  # 17
    expect_answer(scan(page, qr(world["suspended"]), direction="out"), "deny", ["under_observation"])  # 18
    expect_answer(scan(page, qr(world["suspended"]), direction="in", temperature="36.6"), "allow", [])  # 19
    expect_answer(scan(page, qr(residents[1]), direction="in", temperature="38.0"), "deny", ["fever"])  # 20
    assert len(decided) == 20
    state(page, "queue", "20")
    expect(page.locator("#offline-status .queue")).to_contain_text("20")
    assert not Scan.objects.exists()  # nothing reached the server

    # The ID number typed at the gate is not kept: only its hash, for the server to check.
    queued = page.evaluate(READ_STORE, "queue")
    assert all(p.id_number not in json.dumps(queued) for p in people)
    assert sum(1 for q in queued if q.get("id_number_hash")) == 4

    # Meanwhile the north gate, online, lets t2 out: the device's exit of t2 becomes a second one.
    north = api_client("guard").post("/api/v1/scans", {"gate": "north", "direction": "out", "code": t2.number,
                                                       "id_number": t2.person.id_number},
                                     content_type="application/json")
    assert north.status_code == 200 and north.json()["decision"] == "allow", north.content

    context.set_offline(False)
    state(page, "queue", "0", timeout=30_000)
    device = page.evaluate("document.documentElement.dataset.online")
    assert device == "1"

    offline = Scan.objects.filter(gate__code="east").order_by("scanned_at", "id")
    assert offline.count() == 20
    assert len({s.client_id for s in offline}) == 20 and all(s.scanned_at is not None for s in offline)
    assert all(s.scanned_at <= s.at for s in offline)
    assert [s.device_decision for s in offline] == [d for d, _ in decided]
    conflict = offline.get(conflict=True)
    assert conflict.pass_ref_id == t2.pk and conflict.reasons == ["exit_quota_reached"]
    assert offline.filter(pass_ref=t1, direction="out", decision="allow").count() == 1

    office = api_client("leader").get("/api/v1/scans/conflicts")
    assert office.status_code == 200, office.content
    listed = office.json()
    assert [c["pass_number"] for c in listed] == [t2.number]
    assert [o["gate"] for o in listed[0]["others"]] == ["north"]

    # The console lists it too: the pass number's last four digits, the time, the reason.
    conflicts = page.locator("#upload-conflicts")
    expect(conflicts).to_be_visible()
    expect(conflicts.locator("li")).to_have_count(1)
    expect(conflicts.locator("li")).to_contain_text(t2.number[-4:])
    assert t2.number not in conflicts.inner_text()

    # A replay of the queue (an answer lost on the way back) records nothing twice.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1000)
    assert Scan.objects.filter(gate__code="east").count() == 20
    context.close()


# ---- the figures


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


DECIDE_200 = """async ({codes, n}) => {
    const form = document.getElementById("scan-form");
    const code = form.querySelector("input[name=code]");
    const temperature = form.querySelector("input[name=temperature]");
    form.querySelector("input[name=direction][value=in]").checked = true;
    performance.clearMeasures("fk-offline-decision");
    for (let i = 0; i < n; i += 1) {
        code.value = codes[i % codes.length];
        temperature.value = "36.5";
        form.requestSubmit();
        while (!document.querySelector("#scan-answer .answer")) await new Promise((ok) => setTimeout(ok, 0));
        document.querySelector("#scan-answer .answer-next").click();
    }
    return performance.getEntriesByName("fk-offline-decision").map((e) => e.duration);
}"""


def test_an_offline_decision_takes_under_50_ms_p95_with_the_cpu_throttled_4x(
    transactional_db, live_server, personas, world, browser
):
    context, page = open_console(browser, live_server)
    context.set_offline(True)
    state(page, "online", "0")
    codes = [qr(p) for p in world["residents"]] + [qr(world["suspended"])]
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.evaluate(DECIDE_200, {"codes": codes[:3], "n": 10})  # warm up: modules compiled, the database open
    durations = page.evaluate(DECIDE_200, {"codes": codes, "n": 200})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    assert len(durations) == 200
    p50, p95 = statistics.median(durations), _percentile(durations, 95)
    print(f"\noffline decision (verify + rules + queue write), CPU 4x throttled, 200 scans: "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(durations):.1f} ms")
    state(page, "queue", "210")
    assert p95 < 50, durations
    context.close()


def _big_feed(n: int, revoked: int, *, epoch: str, day: str) -> dict:
    """A full feed as the server writes it (fangkong/gates/offline_feed.py), 5,000 passes of which 500
    revoked: its rows are synthetic, its shape is the server's."""
    import base64
    import hashlib

    start, end = date.fromisoformat(day) - timedelta(days=30), date.fromisoformat(day) + timedelta(days=60)
    rows = []
    for i in range(n):
        idh = base64.urlsafe_b64encode(hashlib.sha256(str(i).encode()).digest()[:12]).rstrip(b"=").decode()
        rows.append([100_000 + i, f"{40_000_000 + i}", "temporary" if i % 5 == 0 else "resident",
                     "revoked" if i < revoked else "active", 1, start.isoformat(), end.isoformat(),
                     ["east"] if i % 17 == 0 else None, i % 97 == 0, idh])
    return {"version": 10_000, "events": [], "keys": [], "full": True, "epoch": epoch,
            "id_key": base64.b64encode(bytes(32)).decode(),
            "pass_fields": ["id", "number", "kind", "status", "version", "valid_from", "valid_until", "gates", "banned",
                            "idh"],
            "passes": rows, "removed": [],
            "policy": {"exit_quota": {"temporary": 1}, "id_required": ["temporary"], "fever_threshold": "37.3",
                       "fever_comparison": "gte", "offline_exit": "allow_flag", "offline_stale_minutes": 30},
            "day": day, "exits": {str(100_000 + i): 1 for i in range(0, n, 50)},
            "server_time": f"{day}T12:00:00+08:00", "gate": {"code": "east", "kind": "both"}}


def test_a_full_feed_of_5000_passes_is_applied_in_under_a_second(
    transactional_db, live_server, personas, world, browser
):
    from fangkong.core.dates import local_today

    feed = _big_feed(5000, 500, epoch="9999-12-31.1", day=local_today().isoformat())
    body = json.dumps(feed, separators=(",", ":")).encode()
    compressed = len(gzip.compress(body))
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, "guard", "pw-guard")
    page.route(re.compile(r"/api/v1/gates/east/sync"), lambda route: route.fulfill(
        status=200, body=body, headers={"Content-Type": "application/json", "Cache-Control": "no-store"}))
    page.goto("/gate/east/")
    expect(page.locator("html")).to_have_attribute("data-synced", re.compile(r"^\d+$"), timeout=30_000)
    applied = page.evaluate("performance.getEntriesByName('fk-feed-apply').map((e) => e.duration)")
    assert len(applied) == 1
    print(f"\nfull feed of 5,000 passes (500 revoked): {len(body) / 1024:.0f} KB of JSON, "
          f"{compressed / 1024:.0f} KB gzipped (synthetic rows); read, parsed and kept in {applied[0]:.0f} ms")
    assert applied[0] < 1000

    # The list is in use: a revoked one of them is refused offline by its number. The device's data is made
    # 45 minutes old first: past the policy's 30, the answer and the status line say how old it is.
    state(page, "offline-ready", "1", timeout=30_000)
    page.evaluate(AGE_FEED, {"gate": "east", "minutes": 45})
    context.set_offline(True)
    page.reload()
    page.wait_for_load_state("load")
    state(page, "online", "0")
    expect(page.locator("#offline-status")).to_have_class(re.compile(r"\bis-stale\b"))
    answer = scan(page, "40000007", direction="out")
    assert reasons_of(answer) == ["pass_revoked"]
    expect(answer.locator(".answer-stale")).to_contain_text("45")
    context.close()


KEPT_PAGES = """async (name) => {
    const names = await caches.keys();
    const cache = names.includes(name) ? await caches.open(name) : null;
    return [names.join(), Boolean(cache && await cache.match(location.origin + "/gate/east/"))];
}"""


def until(page, script: str, arg, done, timeout: float = 30.0):
    """Evaluate `script` in the page every 200 ms until `done(result)` (no eval in the page: the CSP forbids it)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = page.evaluate(script, arg)
        except playwright_sync.Error as error:  # the page reloading itself (a new service worker took over)
            if "context was destroyed" not in str(error):
                raise
            result = None
        if result is not None and done(result):
            return result
        assert time.monotonic() < deadline, result
        page.wait_for_timeout(200)


AGE_FEED = """async ({gate, minutes}) => {
    const db = await new Promise((ok) => {
        const r = indexedDB.open("fangkong-gate");
        r.onsuccess = () => ok(r.result);
    });
    const store = db.transaction("feeds", "readwrite").objectStore("feeds");
    const feed = await new Promise((ok) => { const r = store.get(gate); r.onsuccess = () => ok(r.result); });
    feed.synced_at -= minutes * 60000;
    await new Promise((ok) => { const r = store.put(feed, gate); r.onsuccess = ok; });
}"""


def test_a_new_version_takes_over_on_the_next_online_load_and_drops_the_old_cache(
    transactional_db, live_server, personas, world, browser, monkeypatch
):
    from fangkong.gates.offline_version import app_version

    # The modules (the package's names are the views): where the version is read for the page and the worker.
    console = importlib.import_module("fangkong.gates.views.console")
    offline = importlib.import_module("fangkong.gates.views.offline")

    context, page = open_console(browser, live_server)
    old = app_version()
    assert page.evaluate("caches.keys()") == [f"fangkong-gate-{old}"]
    expect(page.locator(".gate-console")).to_have_attribute("data-app-version", old)

    new = old + "-next"  # a release with other static files: another service worker
    monkeypatch.setattr(offline, "app_version", lambda: new)
    monkeypatch.setattr(console, "app_version", lambda: new)
    page.reload()  # online: the page from the network, the new worker installed; it takes over, the page reloads
    expect(page.locator(".gate-console")).to_have_attribute("data-app-version", new)
    # The old version's cache is gone; the new one holds the console page (kept at the reload it caused).
    until(page, KEPT_PAGES, f"fangkong-gate-{new}", lambda kept: kept == [f"fangkong-gate-{new}", True])

    # Offline, the console that opens is the new version's.
    context.set_offline(True)
    page.reload()
    expect(page.locator(".gate-console")).to_have_attribute("data-app-version", new)
    context.close()


def test_a_scan_that_cannot_reach_the_server_is_decided_here_and_uploaded_once(
    transactional_db, live_server, personas, world, browser
):
    from fangkong.gates.models import Scan

    context, page = open_console(browser, live_server)
    resident, t1 = world["residents"][0], world["temporary"][0]
    # The browser thinks it is online, the server cannot be reached: the scan is decided here, not lost.
    page.route(re.compile(r"/gate/east/scan$"), lambda route: route.abort("internetdisconnected"))
    client_id = page.locator("input[name=client_id]").input_value()
    answer = scan(page, qr(resident), direction="out")
    expect(answer).to_have_attribute("data-offline", "1")
    assert (answer.get_attribute("data-decision"), reasons_of(answer)) == ("allow", [])
    expect(page.locator("#scan-answer .scan-errors")).to_have_count(0)  # not "nothing was recorded"
    state(page, "online", "0")
    next_scan(page)

    # A vehicle, still unreachable: each occupant decided and queued, the plate asked for first.
    page.locator("label.vehicle-switch").click()
    page.locator("label.dir-out").click()
    rows = page.locator("#occupants .occupant")
    rows.nth(0).locator("input[name=code]").fill(qr(t1))
    rows.nth(0).locator("input[name=id_number]").fill(t1.person.id_number)
    page.locator(".add-occupant").click()
    rows.nth(1).locator("input[name=code]").fill(qr(world["revoked"]))
    page.locator("button.check").click()
    expect(page.locator("#scan-answer .scan-errors")).to_be_visible()  # no plate: nothing decided
    state(page, "queue", "1")
    page.locator("input[name=plate]").fill("鲁B12345")
    page.locator("button.check").click()
    answer = page.locator("#scan-answer .answer")
    expect(answer).to_have_attribute("data-decision", "deny")
    people = answer.locator(".answer-person")
    expect(people).to_have_count(2)
    assert [p.get_attribute("data-decision") for p in people.all()] == ["allow", "deny"]
    state(page, "queue", "3")

    page.unroute(re.compile(r"/gate/east/scan$"))
    page.evaluate("window.dispatchEvent(new Event('online'))")
    state(page, "queue", "0", timeout=30_000)
    recorded = Scan.objects.order_by("scanned_at", "id")
    assert recorded.count() == 3
    first = recorded[0]
    # The form's own client id: had the scan reached the server after all, this upload would be its replay.
    assert first.client_id == f"web:{personas['guard'].pk}:{client_id}" and first.decision == "allow"
    assert [(s.plate, s.decision) for s in recorded[1:]] == [("鲁B12345", "allow"), ("鲁B12345", "deny")]
    context.close()
