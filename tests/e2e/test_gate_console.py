"""The gate console in a real browser at phone size: a guard checks a temporary pass out, is refused the
second exit of the day, reports an incident that revokes the pass, and the next scan says it is revoked.
Then a fever refused at the gate (the rule, the instruction, the incident with fever ticked, the office's
alert), a keyboard-wedge scanner and an ID-card reader typing while the focus is in the temperature field,
the temperature asked for before deciding, a vehicle with one green and one red occupant, a guard on duty
landing on their gate's console, and a (fake) camera pointed at the pass's QR code: getUserMedia + canvas + jsQR.

Headless Debian Chromium against pytest-django's live server, SQLite; people come from the conftest
fixtures and the guard logs in through the login form.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from tests.e2e.conftest import PHONE, launch

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser]

SHOTS = Path(tempfile.gettempdir())  # /tmp/console-allow.png and /tmp/console-deny.png, to look at
# Counts the oscillators started and the vibrations asked for: the console gives one short tone on ALLOW,
# two on DENY (WebAudio, no sound file), and a vibration with each.
COUNT_BEEPS = """
window.__beeps = 0;
window.__vibrations = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) { window.__beeps += 1; return start.apply(this, args); };
navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
"""


@pytest.fixture
def gates(places):
    from fangkong.gates.models import Gate

    home = places["home"]
    return {"east": Gate.objects.create(community=home, code="east", name="辽阳东路门岗"),
            "far": Gate.objects.create(community=places["far"], code="far", name="外社区门岗")}


@pytest.fixture
def temp_pass(personas, places, make_person, gates):
    from fangkong.passes.services import pass_issue

    tenant = make_person(places["grid1"], name="外来务工", category="floating")
    return pass_issue(actor=personas["office"], person=tenant, kind="temporary", valid_from=date(2020, 1, 1),
                      valid_until=date(2099, 12, 31))


def reason(code: str) -> str:
    """The words the guard reads, in the page's language (Chinese: the browser asks for zh-CN)."""
    from fangkong.passes.errors import REASONS

    with translation.override("zh-hans"):
        return str(REASONS[code])


def log_in(browser, live_server, username: str, **options):
    context = browser.new_context(base_url=live_server.url, **{**PHONE, **options})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.add_init_script(COUNT_BEEPS)
    page.goto("/accounts/login/?next=/gate/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("pw-" + username)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/gate/$"))
    return context, page


def open_console(page, code: str) -> None:
    page.locator(f"#gate-{code} a[href='/gate/{code}/']").click()
    expect(page).to_have_url(re.compile(rf"/gate/{code}/$"))
    # The console's deferred script must have run (it answers Enter in place); the field's autofocus comes
    # earlier, and on a busy machine a key typed in between submitted the form as a plain page.
    page.wait_for_load_state("load")
    expect(page.locator("input[name=code]")).to_be_focused()


def check_out(page, number: str, id_number: str):
    """Type the pass number into the focused pass field (as a guard or a scanner would), the ID number,
    then Enter; returns the answer screen."""
    expect(page.locator("input[name=code]")).to_be_focused()
    page.keyboard.type(number)
    page.locator("input[name=id_number]").fill(id_number)
    page.locator("input[name=id_number]").press("Enter")
    answer = page.locator(".answer")
    expect(answer).to_be_visible()
    return answer


def covers_the_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box["x"] <= 0 and box["y"] <= 0 and box["width"] >= 390 and box["height"] >= 844


def test_guard_checks_out_is_refused_the_second_exit_and_a_revoked_pass_stays_refused(
    transactional_db, live_server, personas, temp_pass, browser
):
    from fangkong.gates.models import Scan
    from fangkong.passes.models import Pass

    holder = temp_pass.person
    context, page = log_in(browser, live_server, "guard")
    expect(page.locator("#gate-far")).to_have_count(0)  # another street's gate is not listed
    open_console(page, "east")

    page.locator("label.dir-out").click()
    expect(page.locator("input[name=direction][value=out]")).to_be_checked()
    page.locator("input[name=code]").focus()
    answer = check_out(page, temp_pass.number, holder.id_number)
    expect(answer).to_have_attribute("data-decision", "allow")
    expect(answer.locator(".answer-word")).to_contain_text("✓")
    expect(answer).to_contain_text(holder.id_number_masked)
    expect(answer).to_contain_text(temp_pass.number)
    expect(answer).to_contain_text("2099-12-31")
    assert holder.name not in answer.inner_text() and holder.id_number not in page.content()
    assert covers_the_screen(page, answer)
    page.wait_for_function("window.__beeps === 1")  # one short tone on ALLOW
    assert page.evaluate("window.__vibrations") == [[60]]
    expect(answer.locator(".key-hint")).to_be_hidden()  # no "(Enter)" on a touch screen
    page.screenshot(path=SHOTS / "console-allow.png")
    assert Scan.objects.filter(decision="allow").count() == 1

    # A stray tap on the answer leaves it; its button goes back: the form is empty, the pass field has the
    # focus, the direction stays OUT.
    answer.locator(".answer-sub").click()
    page.wait_for_timeout(200)
    expect(answer).to_be_visible()
    answer.locator(".answer-next").click()
    expect(answer).to_have_count(0)
    expect(page.locator("input[name=code]")).to_have_value("")
    expect(page.locator("input[name=direction][value=out]")).to_be_checked()

    answer = check_out(page, temp_pass.number, holder.id_number)
    expect(answer).to_have_attribute("data-decision", "deny")
    expect(answer.locator(".reasons")).to_contain_text(reason("exit_quota_reached"))
    assert covers_the_screen(page, answer)
    page.wait_for_function("window.__beeps === 3")  # two harsh tones on DENY
    assert page.evaluate("window.__vibrations") == [[60], [200, 100, 200]]
    page.screenshot(path=SHOTS / "console-deny.png")

    # Report an incident for that pass, revoking it.
    answer.locator(f"a.answer-action[href$='?pass={temp_pass.number}']").click()
    expect(page).to_have_url(re.compile(r"/gate/east/incident\?pass=\d+$"))
    expect(page.locator("input[name=passes]")).to_have_value(temp_pass.number)
    page.locator("label.chip:has(input[value=refused_check])").click()
    page.locator("textarea[name=description]").fill("第二次外出被拒后强行要求放行")
    revoke = page.locator("input[name=revoke]")
    page.locator("label.switch:has(input[name=revoke])").click()
    expect(revoke).to_be_checked()
    expect(page.locator("input[name=ban]")).not_to_be_checked()
    page.locator("form.big-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/gate/east/incident$"))
    expect(page.locator(".flash")).to_contain_text(temp_pass.number)
    expect(page.locator("article.incident").first).to_contain_text("第二次外出被拒后强行要求放行")
    temp_pass.refresh_from_db()
    assert temp_pass.status == Pass.Status.REVOKED

    # Back at the console, the next scan of the pass is refused as revoked.
    page.locator(".gate-links a[href='/gate/east/']").click()
    expect(page.locator("input[name=direction][value=out]")).to_be_checked()  # remembered for this gate
    answer = check_out(page, temp_pass.number, holder.id_number)
    expect(answer).to_have_attribute("data-decision", "deny")
    expect(answer.locator(".reasons")).to_contain_text(reason("pass_revoked"))
    page.wait_for_timeout(400)
    page.keyboard.press("Enter")  # Enter goes back to scanning too
    expect(answer).to_have_count(0)
    expect(page.locator("input[name=code]")).to_be_focused()
    assert list(Scan.objects.order_by("id").values_list("decision", flat=True)) == ["allow", "deny", "deny"]
    context.close()


def test_bad_input_is_shown_on_the_page_and_nothing_is_recorded(
    transactional_db, live_server, personas, temp_pass, browser
):
    from fangkong.gates.models import Scan

    context, page = log_in(browser, live_server, "guard")
    open_console(page, "east")
    page.keyboard.type(temp_pass.number)
    page.locator("input[name=temperature]").fill("63.5")
    page.locator("button.check").click()
    errors = page.locator("#scan-answer .scan-errors")
    expect(errors).to_contain_text("45.0")
    expect(page.locator("input[name=temperature]")).to_be_focused()
    expect(page.locator(".answer")).to_have_count(0)
    assert not Scan.objects.exists()

    # Vehicle mode: the plate is checked before anyone is scanned.
    page.locator("label.vehicle-switch").click()
    page.locator("input[name=plate]").fill("ABC")
    page.locator("input[name=temperature]").fill("36.5")
    page.locator("button.check").click()
    expect(errors).to_have_attribute("data-field", "plate")
    expect(page.locator("input[name=plate]")).to_be_focused()
    assert not Scan.objects.exists()
    context.close()


def test_a_double_tap_records_one_scan(transactional_db, live_server, personas, temp_pass, browser):
    from fangkong.gates.models import Scan

    context, page = log_in(browser, live_server, "guard")
    open_console(page, "east")
    page.locator("label.dir-out").click()
    page.locator("input[name=code]").fill(temp_pass.number)
    page.locator("input[name=id_number]").fill(temp_pass.person.id_number)
    page.locator("button.check").dblclick()
    expect(page.locator(".answer")).to_have_attribute("data-decision", "allow")
    page.wait_for_timeout(500)
    assert Scan.objects.count() == 1

    # The next pass typed (or scanned) while the answer shows goes back to scanning, into the pass field.
    page.keyboard.type(temp_pass.number)
    expect(page.locator(".answer")).to_have_count(0)
    expect(page.locator("input[name=code]")).to_have_value(temp_pass.number)
    expect(page.locator("input[name=code]")).to_be_focused()
    context.close()


def test_a_feverish_visitor_is_refused_then_back_to_scanning(
    transactional_db, live_server, personas, places, make_person, gates, browser
):
    from fangkong.gates.models import Visitor

    resident = make_person(places["grid1"], name="李四")
    context, page = log_in(browser, live_server, "guard")
    open_console(page, "east")
    page.locator(".gate-links a[href='/gate/east/visitor']").click()
    page.locator("input[name=name]").fill("来访者")
    page.locator("input[name=id_number]").fill("11010519491231002X")
    page.locator("input[name=phone]").fill("13800138000")
    household = page.locator("input[name=household]")
    with page.expect_response(lambda r: "/visitor/households?" in r.url):
        household.fill(resident.household.address[:4])
    expect(page.locator(f"#household-options option[value='{resident.household.address}']")).to_have_count(1)
    household.fill(resident.household.address)
    page.locator("input[name=reason]").fill("看望父母")
    page.locator("input[name=temperature]").fill("38.1")
    page.locator("button.check").click()
    answer = page.locator(".answer")
    expect(answer).to_have_attribute("data-decision", "deny")
    expect(answer.locator(".reasons")).to_contain_text(reason("fever"))
    assert covers_the_screen(page, answer)
    page.wait_for_function("window.__beeps > 0")
    expect(answer.locator(".answer-fever")).to_contain_text("37.3")
    expect(answer.locator("a.answer-action")).to_have_attribute("href", "/gate/east/incident?kind=fever")
    v = Visitor.objects.get()
    assert (v.decision, v.household_id) == ("deny", resident.household_id)
    answer.locator(".answer-next").click()
    expect(page).to_have_url(re.compile(r"/gate/east/$"))
    context.close()


def _qr_video(text: str, path: Path, width: int = 640, height: int = 480) -> Path:
    """A still Y4M video of `text` as a QR code, for Chromium's fake camera."""
    import segno

    matrix = segno.make(text, error="m").matrix
    size = len(matrix) + 8  # with the quiet zone
    module = min(width, height) * 9 // 10 // size
    left, top = (width - size * module) // 2, (height - size * module) // 2
    luma = bytearray(b"\xeb" * (width * height))
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                y0, x0 = top + (r + 4) * module, left + (c + 4) * module
                for y in range(y0, y0 + module):
                    luma[y * width + x0 : y * width + x0 + module] = b"\x10" * module
    chroma = b"\x80" * (width * height // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 10)
    return path


def test_the_camera_reads_the_qr_code_and_submits_it(
    transactional_db, live_server, personas, temp_pass, tmp_path, pw
):
    from django.contrib.staticfiles import finders

    from fangkong.gates.models import Scan
    from fangkong.passes.signing import pass_qr

    if not finders.find("vendor/jsqr/jsQR.js"):
        pytest.skip("jsQR is not installed (npm ci): the console has no camera scanning")
    video = _qr_video(pass_qr(temp_pass), tmp_path / "qr.y4m")
    camera_browser = launch(pw, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                            f"--use-file-for-fake-video-capture={video}")
    try:
        context, page = log_in(camera_browser, live_server, "guard")
        context.grant_permissions(["camera"])
        open_console(page, "east")
        page.locator("label.dir-out").click()
        page.locator("input[name=id_number]").fill(temp_pass.person.id_number)
        camera = page.locator("#camera-button")
        expect(camera).to_be_visible()
        camera.click()
        answer = page.locator(".answer")
        expect(answer).to_have_attribute("data-decision", "allow", timeout=15_000)
        expect(answer).to_contain_text(temp_pass.number)
        expect(page.locator("#camera")).to_be_hidden()
        assert page.evaluate("document.querySelector('#camera video').srcObject") is None  # camera released
        scan = Scan.objects.get()
        assert (scan.pass_ref_id, scan.decision) == (temp_pass.pk, "allow")
        context.close()
    finally:
        camera_browser.close()


# --- a fever, a scanner, a card reader, a vehicle, a guard on duty ------------------------------------------


@pytest.fixture
def resident_pass(personas, places, make_person, gates):
    from fangkong.passes.services import pass_issue

    resident = make_person(places["grid1"], name="张三")
    return pass_issue(actor=personas["office"], person=resident, kind="resident", valid_from=date(2020, 1, 1),
                      valid_until=date(2099, 12, 31))


def scanner_types(page, text: str) -> None:
    """A keyboard-wedge scanner (or an ID-card reader): the characters a few milliseconds apart, then Enter."""
    page.keyboard.type(text, delay=5)
    page.keyboard.press("Enter")


def test_a_fever_refusal_shows_the_rule_and_the_instruction_and_reaches_the_office(
    transactional_db, live_server, personas, temp_pass, browser
):
    from fangkong.gates.models import Scan
    from fangkong.policy.catalogue import SETTINGS

    holder = temp_pass.person
    context, page = log_in(browser, live_server, "guard")
    open_console(page, "east")
    expect(page.locator("input[name=direction][value=in]")).to_be_checked()
    page.keyboard.type(temp_pass.number)
    page.locator("input[name=id_number]").fill(holder.id_number)
    page.locator("input[name=temperature]").fill("37.6")
    page.locator("input[name=temperature]").press("Enter")
    answer = page.locator(".answer")
    expect(answer).to_have_attribute("data-decision", "deny")
    expect(answer.locator(".reasons")).to_contain_text(reason("fever"))
    fever = answer.locator(".answer-fever")
    expect(fever.locator(".fever-threshold")).to_contain_text("≥ 37.3 °C")
    expect(fever.locator(".fever-instruction")).to_have_text(SETTINGS["gate_fever_instruction"].default)
    page.screenshot(path=SHOTS / "console-fever.png")
    assert list(Scan.objects.values_list("decision", "reasons")) == [("deny", ["fever"])]

    # 上报异常事件 opens the incident form with 发热 ticked and the pass filled in.
    answer.locator("a.answer-action-strong").click()
    expect(page).to_have_url(re.compile(r"/gate/east/incident\?pass=\d+&kind=fever$"))
    expect(page.locator("input[name=kinds][value=fever]")).to_be_checked()
    expect(page.locator("input[name=kinds][value=other]")).not_to_be_checked()
    expect(page.locator("input[name=passes]")).to_have_value(temp_pass.number)
    context.close()

    # The office sees the fever among its alerts.
    office, office_page = log_in_at(browser, live_server, "office", "/observation/alerts/")
    alert = office_page.locator("article.alert-gate_fever")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("辽阳东路门岗")
    expect(alert).to_contain_text("37.6")
    office.close()


def log_in_at(browser, live_server, username: str, path: str | None = None):
    """Log in through the form without a `next`, landing where the user starts; then open `path`."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.add_init_script(COUNT_BEEPS)
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("pw-" + username)
    page.locator("form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    if path:
        page.goto(path)
    return context, page


def test_a_wedge_scanner_and_an_id_card_reader_work_with_the_focus_in_the_temperature_field(
    transactional_db, live_server, personas, temp_pass, resident_pass, browser
):
    from fangkong.gates.models import Scan
    from fangkong.passes.signing import pass_qr

    context, page = log_in(browser, live_server, "guard")
    open_console(page, "east")
    temperature = page.locator("input[name=temperature]")

    # The guard takes the temperature first, the focus stays there, and the scanner reads the QR code.
    temperature.click()
    page.keyboard.type("36.5")
    scanner_types(page, pass_qr(resident_pass))
    answer = page.locator(".answer")
    expect(answer).to_have_attribute("data-decision", "allow")
    expect(answer).to_contain_text(resident_pass.number)
    scan = Scan.objects.get()
    assert (scan.pass_ref_id, str(scan.temperature), scan.reasons) == (resident_pass.pk, "36.5", [])

    # The next scan sweeps the answer away: an ID-card reader, no temperature yet. The console asks for it
    # (nothing is recorded), the ID field is not asked for: the card is the key.
    page.wait_for_timeout(400)
    scanner_types(page, temp_pass.person.id_number)
    expect(answer).to_have_count(0)
    expect(page.locator("#scan-answer .scan-prompt")).to_be_visible()
    expect(temperature).to_be_focused()
    expect(temperature).to_have_value("")
    expect(page.locator("input[name=code]")).to_have_value(temp_pass.person.id_number)
    expect(page.locator(".id-field")).to_be_hidden()
    expect(page.locator(".id-as-key")).to_be_visible()
    assert Scan.objects.count() == 1  # no refusal for the missing temperature
    page.keyboard.type("36.7")
    page.keyboard.press("Enter")
    expect(answer).to_have_attribute("data-decision", "allow")
    expect(answer).to_contain_text(temp_pass.number)
    scan = Scan.objects.latest("id")
    assert (scan.pass_ref_id, str(scan.temperature), scan.decision) == (temp_pass.pk, "36.7", "allow")
    assert Scan.objects.count() == 2

    # A person typing at a person's pace into the temperature field is not a scanner.
    answer.locator(".answer-next").click()
    temperature.click()
    page.keyboard.type("36.6", delay=120)
    page.keyboard.press("Enter")
    expect(page.locator("input[name=code]")).to_be_focused()
    expect(temperature).to_have_value("36.6")
    assert Scan.objects.count() == 2

    # A digit the guard typed a moment before is not taken for the start of the scan that follows.
    page.keyboard.type("3")
    page.wait_for_timeout(600)
    scanner_types(page, resident_pass.number)
    expect(answer).to_have_attribute("data-decision", "allow")
    expect(answer).to_contain_text(resident_pass.number)
    scan = Scan.objects.latest("id")
    assert (scan.pass_ref_id, str(scan.temperature)) == (resident_pass.pk, "36.6")
    context.close()


def test_temperature_is_asked_for_not_refused(transactional_db, live_server, personas, resident_pass, browser):
    from fangkong.gates.models import Scan

    context, page = log_in(browser, live_server, "guard")
    open_console(page, "east")
    page.keyboard.type(resident_pass.number)
    page.keyboard.press("Enter")  # on the way in, without a temperature
    prompt = page.locator("#scan-answer .scan-prompt")
    expect(prompt).to_be_visible()
    expect(page.locator("input[name=temperature]")).to_be_focused()
    expect(page.locator(".answer")).to_have_count(0)
    page.wait_for_timeout(300)
    assert not Scan.objects.exists()
    page.keyboard.type("36.4")
    expect(prompt).to_have_count(0)
    page.locator("button.check").click()
    expect(page.locator(".answer")).to_have_attribute("data-decision", "allow")
    assert list(Scan.objects.values_list("decision", "reasons")) == [("allow", [])]
    context.close()


def test_a_vehicle_answer_shows_one_green_and_one_red_occupant(
    transactional_db, live_server, personas, temp_pass, resident_pass, browser
):
    from fangkong.gates.models import Scan

    context, page = log_in(browser, live_server, "guard")
    open_console(page, "east")
    page.locator("label.vehicle-switch").click()
    page.locator("input[name=plate]").fill("鲁B12345")
    page.locator("input[name=plate]").press("Enter")
    page.keyboard.type(resident_pass.number)
    page.locator("input[name=temperature]").first.fill("36.6")
    page.locator("button.add-occupant").click()
    second = page.locator(".occupant").nth(1)
    expect(second.locator("input[name=code]")).to_be_focused()
    page.keyboard.type(temp_pass.number)
    second.locator("input[name=id_number]").fill(temp_pass.person.id_number)
    second.locator("input[name=temperature]").fill("38.1")
    page.locator("button.check").click()
    answer = page.locator(".answer")
    expect(answer).to_have_attribute("data-decision", "deny")
    people = answer.locator("section.answer-person")
    expect(people).to_have_count(2)
    expect(people.nth(0)).to_have_attribute("data-decision", "allow")
    expect(people.nth(1)).to_have_attribute("data-decision", "deny")
    expect(people.nth(1).locator(".reasons")).to_contain_text(reason("fever"))
    green = people.nth(0).evaluate("e => getComputedStyle(e).backgroundColor")
    red = people.nth(1).evaluate("e => getComputedStyle(e).backgroundColor")
    assert (green, red) == ("rgb(27, 94, 32)", "rgb(183, 28, 28)")
    expect(answer.locator(".answer-count")).to_contain_text("1")
    page.screenshot(path=SHOTS / "console-vehicle.png", full_page=True)
    assert sorted(Scan.objects.values_list("decision", flat=True)) == ["allow", "deny"]
    context.close()


def test_a_guard_on_duty_lands_on_their_gates_console(transactional_db, live_server, personas, places, gates, browser):
    from datetime import timedelta

    from django.utils import timezone

    from fangkong.gates.models import Gate, Shift
    from fangkong.workgroup.models import Member, WorkingGroup

    north = Gate.objects.create(community=places["home"], code="north", name="北门岗")
    group = WorkingGroup.objects.create(community=places["home"], name="工作组", established=date(2026, 1, 1))
    leader = Member.objects.create(group=group, community=places["home"], name="赵书记", position="secretary")
    now = timezone.now()
    shift = Shift.objects.create(community=places["home"], gate=north, leader=leader,
                                 starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7))
    shift.staff.set([personas["guard"]])

    context, page = log_in_at(browser, live_server, "guard")
    expect(page).to_have_url(re.compile(r"/gate/north/$"))
    expect(page.locator("input[name=code]")).to_be_focused()
    # IN and OUT each take half the screen's width, to be hit with a gloved thumb.
    halves = [page.locator(f"label.dir-{d} span").bounding_box()["width"] for d in ("in", "out")]
    assert min(halves) > 160, halves
    context.close()

    # Off duty (another volunteer, no shift): the list of gates.
    from fangkong.accounts.roles import Role
    from fangkong.accounts.services import user_create

    user_create(username="volunteer", password="pw-volunteer", role=Role.VOLUNTEER, communities=[places["home"]])
    context, page = log_in_at(browser, live_server, "volunteer")
    expect(page).to_have_url(re.compile(r"/gate/$"))
    context.close()


def test_where_the_camera_cannot_start_the_console_says_why(
    transactional_db, live_server, personas, gates, browser
):
    from django.contrib.staticfiles import finders

    if not finders.find("vendor/jsqr/jsQR.js"):
        pytest.skip("jsQR is not installed: the page says so itself (tested in test_console_views)")
    context, page = log_in(browser, live_server, "guard")
    # A device without a camera.
    page.add_init_script("navigator.mediaDevices.enumerateDevices = async () => [];")
    open_console(page, "east")
    form, note, camera = page.locator("#scan-form"), page.locator("#camera-note"), page.locator("#camera-button")
    expect(note).to_be_visible()
    expect(note).to_have_text(form.get_attribute("data-msg-camera-none"))
    expect(camera).to_be_visible()
    expect(camera).to_be_disabled()

    # A camera, but access refused by the user or the browser: the note says so, the button may try again.
    page.add_init_script("""
        navigator.mediaDevices.enumerateDevices = async () => [{ kind: "videoinput", deviceId: "x", label: "" }];
        navigator.mediaDevices.getUserMedia = async () => { throw new DOMException("denied", "NotAllowedError"); };
    """)
    page.reload()
    expect(camera).to_be_enabled()
    expect(note).to_be_hidden()
    camera.click()
    expect(note).to_have_text(form.get_attribute("data-msg-camera-denied"))
    expect(camera).to_be_enabled()
    expect(page.locator("#camera")).to_be_hidden()
    context.close()


def test_sound_and_vibration_are_switched_off_on_this_device(
    transactional_db, live_server, personas, resident_pass, browser
):
    context, page = log_in(browser, live_server, "guard")
    open_console(page, "east")
    page.locator("label.switch:has(#sound-switch)").click()
    page.locator("label.switch:has(#vibrate-switch)").click()
    expect(page.locator("#sound-switch")).not_to_be_checked()
    page.reload()  # remembered on this device
    expect(page.locator("#sound-switch")).not_to_be_checked()
    expect(page.locator("#vibrate-switch")).not_to_be_checked()
    page.locator("label.dir-out").click()
    page.locator("input[name=code]").fill(resident_pass.number)
    page.locator("input[name=code]").press("Enter")
    expect(page.locator(".answer")).to_have_attribute("data-decision", "allow")
    page.wait_for_timeout(300)
    assert page.evaluate("[window.__beeps, window.__vibrations]") == [0, []]
    context.close()
