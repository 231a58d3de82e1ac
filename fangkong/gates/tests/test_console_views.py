"""The gate pages through Django's test client: console and scan answers, visitors, incidents, roster, index.

Pages are asked for in English (Accept-Language) so the words on them are the msgids; the decision is
also read from `data-decision`, which does not depend on the language.
"""

from __future__ import annotations

import importlib
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.identifiers import mask_name
from fangkong.gates.models import Gate, Incident, Scan, Shift, Visitor
from fangkong.gates.services import incident_report
from fangkong.passes.errors import REASONS
from fangkong.passes.models import Ban, Pass
from fangkong.passes.services import ban_create, pass_issue
from fangkong.passes.signing import pass_qr
from fangkong.workgroup.models import Member, WorkingGroup

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def volunteer(places):
    return user_create(username="volunteer", password="pw-volunteer", role=Role.VOLUNTEER,
                       communities=[places["home"]])


def reason(code: str) -> str:
    with translation.override("en"):
        return str(REASONS[code])


def decision(response) -> str:
    found = re.search(r'class="answer [^"]*" data-decision="(allow|deny)"', response.content.decode())
    assert found, response.content.decode()[:2000]
    return found.group(1)


def post_scan(c, p, gate="east", htmx=True, **data):
    data = {"direction": "out", "code": p.number if p else "", "id_number": p.person.id_number if p else "", **data}
    return c.post(f"/gate/{gate}/scan", data, **(HX if htmx else {}))


# --- the console -----------------------------------------------------------------------------------------


def test_console_page_is_ready_for_a_scanner(login, gates):
    r = login("guard").get("/gate/east/")
    assert r.status_code == 200
    html = r.content.decode()
    code_input = re.search(r"<input name=\"code\"[^>]*>", html).group(0)
    assert "autofocus" in code_input and 'inputmode="numeric"' in code_input
    assert re.search(r'name="temperature"[^>]*inputmode="decimal"', html)
    assert 'hx-post="/gate/east/scan"' in html and 'name="client_id"' in html
    assert 'name="direction" value="in" checked' in html and 'name="direction" value="out"' in html
    assert 'name="vehicle"' in html  # the east gate takes vehicles (kind "both")
    assert "gates/console.js" in html and "csrfmiddlewaretoken" in html


def test_allow_fills_the_screen_with_the_masked_holder_and_the_pass(login, temp_pass):
    c = login("guard")
    r = post_scan(c, temp_pass, client_id="a1b2")
    assert r.status_code == 200 and decision(r) == "allow"
    html = r.content.decode()
    person = temp_pass.person
    assert "ALLOW" in html and "<html" not in html  # an htmx fragment, not a page
    assert mask_name(person.name) in html and person.name not in html
    assert person.id_number_masked in html and person.id_number not in html
    assert "temporary pass" in html and temp_pass.number in html
    assert re.search(r"2020-01-01</span> – <span[^>]*>2099-12-31", html)
    assert f'href="/gate/east/incident?pass={temp_pass.number}"' in html
    scan = Scan.objects.get()
    assert (scan.decision, scan.direction, scan.guard.username) == ("allow", "out", "guard")
    assert scan.client_id == f"web:{scan.guard_id}:a1b2" and scan.device == "web console"


def test_second_exit_is_denied_with_the_reason_in_words(login, temp_pass):
    c = login("guard")
    assert decision(post_scan(c, temp_pass)) == "allow"
    r = post_scan(c, temp_pass)
    assert decision(r) == "deny"
    html = r.content.decode()
    assert "DENY" in html and reason("exit_quota_reached") in html
    assert 'data-reason="exit_quota_reached"' in html


def test_every_reason_is_listed(login, temp_pass, gates):
    c = login("guard")
    r = post_scan(c, temp_pass, direction="in", id_number="", temperature="37.5")
    assert decision(r) == "deny"
    for code in ("id_required", "fever"):
        assert reason(code) in r.content.decode()
    r = post_scan(c, None, code="12345678")
    assert reason("unknown_pass") in r.content.decode()
    assert 'href="/gate/east/visitor"' in r.content.decode()  # no pass: register as a visitor instead


def test_entering_without_a_temperature_is_asked_for_it_and_nothing_is_recorded(login, temp_pass):
    """The console takes the temperature before it decides: no refusal for a missing temperature."""
    c = login("guard")
    r = post_scan(c, temp_pass, direction="in", temperature="")
    assert r.status_code == 422
    html = r.content.decode()
    assert 'data-field="temperature"' in html and "Take the temperature" in html and 'class="answer' not in html
    assert not Scan.objects.exists()
    r = post_scan(c, temp_pass, direction="in", temperature="36.6")
    assert decision(r) == "allow"
    assert list(Scan.objects.values_list("decision", "reasons")) == [("allow", [])]
    # On the way out no temperature is needed.
    assert decision(post_scan(c, temp_pass, direction="out", temperature="")) == "allow"


def test_a_console_knows_the_entry_needs_a_temperature(login, gates):
    html = login("guard").get("/gate/east/").content.decode()
    assert 'data-entering-needs-temperature="1"' in html and "data-msg-temperature=" in html


def test_the_signed_qr_text_works_like_the_number(login, temp_pass):
    r = post_scan(login("guard"), temp_pass, code=pass_qr(temp_pass))
    assert decision(r) == "allow"
    assert Scan.objects.get().pass_ref == temp_pass


def test_a_double_tap_records_one_scan(login, temp_pass):
    c = login("guard")
    first = post_scan(c, temp_pass, client_id="same")
    again = post_scan(c, temp_pass, client_id="same")
    assert decision(first) == decision(again) == "allow"  # not "exit quota reached": the same scan
    assert "Already recorded" in again.content.decode()
    assert Scan.objects.count() == 1


def test_client_ids_are_per_user(login, personas, temp_pass):
    post_scan(login("guard"), temp_pass, client_id="x")
    r = post_scan(login("leader"), temp_pass, client_id="x")
    assert decision(r) == "deny"  # the leader's own scan, not a replay of the guard's
    assert Scan.objects.count() == 2


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"direction": "in", "temperature": "52"}, "temperature", "between 30.0 and 45.0"),
    ({"direction": "in", "temperature": "hot"}, "temperature", "such as 36.5"),
    ({"code": ""}, "code", "Scan or type the pass number"),
    ({"direction": "sideways"}, "direction", "Select a valid choice"),
    ({"vehicle": "1", "plate": "XX"}, "plate", "鲁B12345"),
    ({"vehicle": "1", "plate": ""}, "plate", "Enter the vehicle"),
])
def test_bad_input_shows_an_error_and_records_nothing(login, temp_pass, data, field, words):
    r = post_scan(login("guard"), temp_pass, **data)
    assert r.status_code == 422
    html = r.content.decode()
    assert "Nothing was recorded" in html and words in html and f'data-field="{field}"' in html
    assert 'class="answer' not in html
    assert not Scan.objects.exists()


def test_temperature_is_rounded_to_a_tenth(login, temp_pass):
    post_scan(login("guard"), temp_pass, direction="in", temperature="36,54")
    assert str(Scan.objects.get().temperature) == "36.5"


def test_without_javascript_the_console_page_carries_the_answer(login, temp_pass):
    r = post_scan(login("guard"), temp_pass, htmx=False)
    assert r.status_code == 200 and decision(r) == "allow"
    html = r.content.decode()
    assert "<html" in html and 'id="scan-form"' in html
    assert 'href="/gate/east/?direction=out"' in html  # "Next scan" keeps the direction

    r = post_scan(login("guard"), temp_pass, htmx=False, direction="in", temperature="99")
    assert r.status_code == 422 and "<html" in r.content.decode() and 'value="99"' in r.content.decode()


def test_vehicle_mode_scans_each_occupant_with_the_plate(login, personas, places, make_person, temp_pass):
    driver = make_person(places["grid1"], name="张三")
    resident = pass_issue(actor=personas["office"], person=driver, kind="resident", valid_from=date(2020, 1, 1),
                          valid_until=date(2099, 1, 1))
    c = login("guard")
    data = {"direction": "in", "vehicle": "1", "plate": "鲁b·12345", "client_id": "car1",
            "code": [resident.number, temp_pass.number, ""], "id_number": ["", temp_pass.person.id_number, ""],
            "temperature": ["36.6", "37.8", ""]}
    r = c.post("/gate/east/scan", data, **HX)
    assert decision(r) == "deny"  # one of the two has a fever
    html = r.content.decode()
    assert "鲁B12345" in html and "2 people" in html and reason("fever") in html
    scans = list(Scan.objects.order_by("id"))
    assert [(s.pass_ref, s.decision, s.plate) for s in scans] == [
        (resident, "allow", "鲁B12345"), (temp_pass, "deny", "鲁B12345")]
    assert {s.client_id.rsplit(":", 1)[1] for s in scans} == {"0", "1"}
    # The same vehicle check sent again records nothing new.
    c.post("/gate/east/scan", data, **HX)
    assert Scan.objects.count() == 2


def test_vehicle_mode_checks_every_row_before_recording(login, temp_pass):
    data = {"direction": "in", "vehicle": "1", "plate": "鲁B12345", "code": [temp_pass.number, "1"],
            "id_number": ["", ""], "temperature": ["36.6", "60"]}
    r = login("guard").post("/gate/east/scan", data, **HX)
    assert r.status_code == 422 and "Occupant 2" in r.content.decode()
    assert not Scan.objects.exists()


def test_a_pedestrian_gate_ignores_vehicle_mode(login, places, temp_pass):
    Gate.objects.create(community=places["home"], code="lane", name="人行门", kind=Gate.Kind.PEDESTRIAN)
    c = login("guard")
    assert 'name="vehicle"' not in c.get("/gate/lane/").content.decode()
    r = post_scan(c, temp_pass, gate="lane", vehicle="1", plate="XX")
    assert decision(r) == "allow" and Scan.objects.get().plate == ""


@pytest.mark.parametrize("persona", ["office", "grid1", "street"])
def test_roles_without_scan_get_403_everywhere_at_the_gate(login, persona, temp_pass):
    c = login(persona)
    assert c.get("/gate/east/").status_code == 403
    assert post_scan(c, temp_pass).status_code == 403
    assert c.get("/gate/east/visitor").status_code == 403
    assert c.get("/gate/east/incident").status_code == 403
    assert not Scan.objects.exists()


def test_gates_outside_the_scope_look_like_unknown_ones(login, temp_pass):
    """As every page answers for an object the user may not see: 404, the same as a gate that does not exist."""
    guard = login("guard")
    assert guard.get("/gate/far/").status_code == 404
    assert post_scan(guard, temp_pass, gate="far").status_code == 404
    assert guard.get("/gate/far/incident").status_code == 404
    assert guard.get("/gate/far/visitor/households?household=号楼").status_code == 404
    assert login("outsider").get("/gate/east/").status_code == 404
    assert guard.get("/gate/nowhere/").status_code == 404
    assert login("street").get("/gate/east/").status_code == 403  # a role that does not scan
    assert not Scan.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, gates):
    r = client.get("/gate/east/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=/gate/east/")
    assert client.post("/gate/east/scan", {"direction": "out", "code": "1"}).status_code == 302
    assert not Scan.objects.exists()


def test_scan_needs_post_and_the_csrf_token(personas, temp_pass):
    c = Client(enforce_csrf_checks=True)
    c.force_login(personas["guard"])
    assert c.get("/gate/east/scan").status_code == 405
    assert post_scan(c, temp_pass).status_code == 403
    assert not Scan.objects.exists()


# --- visitors --------------------------------------------------------------------------------------------


def visitor_data(**kw):
    return {"name": "来访者", "id_number": "11010519491231002X", "phone": "13800138000",
            "household": "送快递", "reason": "看望父母", "temperature": "36.4", **kw}


def test_visitor_allowed_and_redirected_to_the_answer(login, places, make_person, gates):
    resident = make_person(places["grid1"], name="李四")
    c = login("guard")
    r = c.post("/gate/east/visitor", visitor_data(household=resident.household.address))
    assert r.status_code == 302
    v = Visitor.objects.get()
    assert r["Location"] == f"/gate/east/visitor?done={v.pk}"
    assert (v.decision, v.household, v.household_text, v.guard.username) == ("allow", resident.household, "", "guard")
    page = c.get(r["Location"])
    assert decision(page) == "allow"
    html = page.content.decode()
    assert "来*者" in html and v.id_number_masked in html and "11010519491231002X" not in html
    assert resident.household.address in html
    # Another guard cannot read the answer by guessing the number.
    other = user_create(username="guard2", password="pw-guard2", role=Role.GUARD, communities=[places["home"]])
    assert 'class="answer' not in login(other).get(r["Location"]).content.decode()


def test_visitor_barred_or_feverish_is_denied_in_words(login, personas, places, gates):
    ban_create(actor=personas["leader"], community=places["home"], id_number="11010519491231002X", reason="闹事")
    c = login("guard")
    r = c.post("/gate/east/visitor", visitor_data(temperature="38.2", plate="鲁B12345"), **HX)
    assert r.status_code == 200 and decision(r) == "deny"
    html = r.content.decode()
    assert reason("banned") in html and reason("fever") in html and "鲁B12345" in html
    v = Visitor.objects.get()
    assert (v.decision, v.reasons, v.household_text, v.plate) == ("deny", ["banned", "fever"], "送快递", "鲁B12345")


def test_visitor_errors_are_shown_and_nothing_is_recorded(login, gates):
    c = login("guard")
    r = c.post("/gate/east/visitor", visitor_data(id_number="123", phone="12", temperature="50", name=" "))
    assert r.status_code == 422
    html = r.content.decode()
    assert "between 30.0 and 45.0" in html and 'class="errorlist' in html
    r = c.post("/gate/east/visitor", visitor_data(id_number="123", phone="12"))
    assert r.status_code == 422 and r.content.decode().count('class="errorlist') >= 2
    assert not Visitor.objects.exists()


def test_household_suggestions_come_from_the_gates_community(login, places, make_person, gates):
    mine = make_person(places["grid1"])
    theirs = make_person(places["far"].grids.get())
    html = login("guard").get("/gate/east/visitor/households", {"household": "号楼"}).content.decode()
    assert mine.household.address in html and theirs.household.address not in html


# --- incidents -------------------------------------------------------------------------------------------


def test_incident_from_a_scan_revokes_the_pass_and_the_next_scan_says_so(login, temp_pass):
    c = login("guard")
    page = c.get(f"/gate/east/incident?pass={temp_pass.number}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="passes" inputmode="numeric" maxlength="400" value="{temp_pass.number}"' in html
    assert 'name="revoke"' in html and 'name="ban"' in html
    r = c.post("/gate/east/incident", {"kinds": ["refused_check", "abuse"], "description": "拒不配合登记并辱骂值班人员",
                                       "passes": temp_pass.number, "revoke": "1"})
    assert r.status_code == 302 and r["Location"] == "/gate/east/incident"
    incident = Incident.objects.get()
    assert incident.revoked_passes == [temp_pass.number] and not incident.banned
    temp_pass.refresh_from_db()
    assert temp_pass.status == Pass.Status.REVOKED
    listing = c.get(r["Location"]).content.decode()
    assert f"Incident #{incident.pk} recorded" in listing and "refused the check" in listing
    assert "拒不配合登记并辱骂值班人员" in listing
    r = post_scan(c, temp_pass)
    assert decision(r) == "deny" and reason("pass_revoked") in r.content.decode()


def test_incident_can_bar_the_holder(login, temp_pass):
    login("guard").post("/gate/east/incident", {"kinds": ["forced_entry"], "description": "强行闯卡",
                                                "passes": temp_pass.number, "ban": "1"})
    assert Incident.objects.get().banned
    assert Ban.objects.filter(id_number_hash=temp_pass.person.id_number_hash, lifted_at__isnull=True).exists()
    temp_pass.refresh_from_db()
    assert temp_pass.status == Pass.Status.ACTIVE  # barred, not revoked: the ban refuses it anyway


@pytest.mark.parametrize(("data", "words"), [
    ({"kinds": [], "description": "x"}, "This field is required"),
    ({"kinds": ["other"], "description": ""}, "This field is required"),
    ({"kinds": ["other"], "description": "x", "passes": "99999999"}, "No such pass in this community"),
    ({"kinds": ["other"], "description": "x", "passes": "12a"}, "digits only"),
    ({"kinds": ["other"], "description": "x", "revoke": "1"}, "Name the pass to revoke"),
])
def test_incident_errors(login, temp_pass, data, words):
    r = login("guard").post("/gate/east/incident", data)
    assert r.status_code == 422 and words in r.content.decode()
    assert not Incident.objects.exists()
    temp_pass.refresh_from_db()
    assert temp_pass.status == Pass.Status.ACTIVE


def test_a_volunteer_reports_but_may_not_revoke(login, volunteer, temp_pass):
    c = login(volunteer)
    html = c.get("/gate/east/incident").content.decode()
    assert 'name="revoke"' not in html and 'name="ban"' not in html
    data = {"kinds": ["other"], "description": "可疑", "passes": temp_pass.number}
    assert c.post("/gate/east/incident", {**data, "revoke": "1"}).status_code == 403
    assert not Incident.objects.exists()
    assert c.post("/gate/east/incident", data).status_code == 302
    assert Incident.objects.count() == 1


def test_recent_incidents_are_those_of_the_gates_community(login, personas, gates, temp_pass):
    incident_report(actor=personas["guard"], gate_code="north", kinds=["fever"], description="北门发热")
    incident_report(actor=personas["admin"], gate_code="far", kinds=["fever"], description="外社区发热")
    html = login("guard").get("/gate/east/incident").content.decode()
    assert "北门发热" in html and "外社区发热" not in html


# --- roster and index ------------------------------------------------------------------------------------


@pytest.fixture
def group(places):
    wg = WorkingGroup.objects.create(community=places["home"], name="一号社区防控工作组", established=date(2026, 1, 1))
    far = WorkingGroup.objects.create(community=places["far"], name="九号社区防控工作组", established=date(2026, 1, 1))
    return {
        "leader": Member.objects.create(group=wg, community=places["home"], name="赵书记", position="secretary"),
        "member": Member.objects.create(group=wg, community=places["home"], name="钱委员", position="committee"),
        "far": Member.objects.create(group=far, community=places["far"], name="孙主任", position="director"),
    }


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%m-%d %H:%M")


def test_roster_shows_who_is_on_duty_and_the_gaps(login, personas, gates, group):
    now = timezone.now()
    on = Shift.objects.create(community=gates["east"].community, gate=gates["east"], leader=group["leader"],
                              starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7))
    on.staff.set([personas["guard"]])
    Shift.objects.create(community=gates["east"].community, gate=gates["east"], leader=group["member"],
                         starts_at=now + timedelta(hours=10), ends_at=now + timedelta(hours=20))
    r = login("guard").get("/gate/roster/")
    assert r.status_code == 200
    html = r.content.decode()
    east = html.split('id="gate-east"')[1].split("</section>")[0]
    north = html.split('id="gate-north"')[1].split("</section>")[0]
    assert "赵书记" in east and "guard" in east and "Nobody is on duty" not in east
    assert "Nobody is on duty" in north
    gaps = re.findall(r'<li class="gap">([^<]*)', east)
    starts = [g.split(" – ")[0].strip() for g in gaps]
    assert starts == [local(now + timedelta(hours=7)), local(now + timedelta(hours=20))]
    assert "钱委员" in east  # the next shift
    assert len(re.findall(r'<li class="gap">', north)) == 1
    assert 'id="gate-far"' not in html  # another street's gate
    assert 'id="add-shift"' not in html  # guards do not manage the roster


def test_a_shift_added_with_the_form(login, personas, gates, group):
    c = login("office")
    page = c.get("/gate/roster/")
    html = page.content.decode()
    assert 'id="add-shift"' in html and "赵书记" in html and "孙主任" not in html
    assert re.search(rf'name="staff" value="{personas["guard"].pk}"', html)
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    data = {"gate": gates["north"].pk, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"), "leader": group["member"].pk,
            "staff": [personas["guard"].pk]}
    r = c.post("/gate/roster/", data)
    assert r.status_code == 302, r.content.decode()[-3000:]
    shift = Shift.objects.get()
    assert (shift.gate, shift.leader, shift.starts_at, list(shift.staff.all())) == (
        gates["north"], group["member"], start, [personas["guard"]])
    assert "Shift added" in c.get("/gate/roster/").content.decode()


@pytest.mark.parametrize(("change", "words"), [
    ({"leader": "far"}, "Select a valid choice"),  # not in the office's communities
    ({"ends_before": True}, "A shift ends after it starts"),
    ({"gate": "far"}, "Select a valid choice"),
])
def test_shift_form_errors(login, personas, gates, group, change, words):
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    end = start - timedelta(hours=1) if change.get("ends_before") else start + timedelta(hours=8)
    data = {"gate": gates[change.get("gate", "east")].pk, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": end.strftime("%Y-%m-%dT%H:%M"), "leader": group[change.get("leader", "leader")].pk}
    r = login("office").post("/gate/roster/", data)
    assert r.status_code == 422 and words in r.content.decode()
    assert not Shift.objects.exists()


def test_only_roster_managers_add_shifts(login, gates, group):
    r = login("guard").post("/gate/roster/", {"gate": gates["east"].pk})
    assert r.status_code == 403
    assert not Shift.objects.exists()


def test_index_lists_the_users_gates(login, personas, gates, group):
    now = timezone.now()
    s = Shift.objects.create(community=gates["north"].community, gate=gates["north"], leader=group["leader"],
                             starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    s.staff.set([personas["guard"]])
    html = login("guard").get("/gate/").content.decode()
    assert 'href="/gate/east/"' in html and 'href="/gate/north/"' in html and "/gate/far/" not in html
    assert html.index('id="gate-north"') < html.index('id="gate-east"')  # on duty at north: listed first
    assert "you are on duty" in html and 'href="/gate/roster/"' in html
    office = login("office").get("/gate/").content.decode()
    assert 'id="gate-east"' in office and 'href="/gate/east/"' not in office  # no console without Perm.SCAN


def test_the_camera_library_is_served_only_when_installed(login, gates, monkeypatch):
    """jsQR ships in the package (vendor_static.py copies it from npm at build time; see
    tests/test_packaging.py); an install built without it still works, minus the camera."""
    views = importlib.import_module("fangkong.gates.views.console")

    c = login("guard")
    views._camera_library.cache_clear()
    installed = c.get("/gate/east/").content.decode()
    assert views._camera_library() == views.CAMERA_LIBRARY  # ./run and every wheel build copy it in
    assert f'<script src="/static/{views.CAMERA_LIBRARY}" defer>' in installed
    monkeypatch.setattr(views, "_camera_library", lambda: None)
    without = c.get("/gate/east/").content.decode()
    assert views.CAMERA_LIBRARY not in without
    assert re.search(r'id="camera-button"[^>]*hidden', installed)  # console.js shows it when a camera can start
    # Without it the button stays, greyed, and the note under it says why, in words (no JavaScript needed).
    assert re.search(r'id="camera-button"[^>]*disabled', without)
    assert re.search(r'<p id="camera-note"[^>]*>Camera scanning is not installed on this server', without)
    assert 'name="code"' in without


# --- answers a guard can trust at a glance ----------------------------------------------------------------


def test_a_fever_refusal_shows_the_rule_and_what_to_do_and_links_to_a_fever_incident(login, temp_pass):
    from fangkong.policy.catalogue import SETTINGS

    r = post_scan(login("guard"), temp_pass, direction="in", temperature="37.6")
    assert decision(r) == "deny"
    html = r.content.decode()
    assert 'data-reason="fever"' in html
    assert 'class="answer-fever"' in html and "Fever: ≥ 37.3 °C" in html
    assert SETTINGS["gate_fever_instruction"].default in html
    assert f'href="/gate/east/incident?pass={temp_pass.number}&amp;kind=fever"' in html


def test_the_fever_rule_on_the_answer_is_the_communitys_policy(login, personas, places, temp_pass):
    from fangkong.policy.selectors import policy_cache_clear
    from fangkong.policy.services import policy_set

    for key, value in [("fever_threshold", "37.0"), ("fever_comparison", ">"),
                       ("gate_fever_instruction", "请到东门临时留观点，拨打 0532-12345678")]:
        policy_set(actor=personas["leader"], key=key, value=value, effective_from=date(2020, 1, 1),
                   community=places["home"])
    policy_cache_clear()
    try:
        html = post_scan(login("guard"), temp_pass, direction="in", temperature="37.1").content.decode()
    finally:
        policy_cache_clear()
    assert "Fever: &gt; 37.0 °C" in html and "请到东门临时留观点，拨打 0532-12345678" in html


def test_no_fever_no_fever_rule(login, temp_pass):
    html = post_scan(login("guard"), temp_pass, direction="in", temperature="36.5").content.decode()
    assert "answer-fever" not in html and "kind=fever" not in html


def test_the_incident_form_opened_from_a_fever_answer_has_fever_ticked(login, temp_pass):
    c = login("guard")
    html = c.get(f"/gate/east/incident?pass={temp_pass.number}&kind=fever").content.decode()
    assert re.search(r'<input[^>]*name="kinds" value="fever"[^>]*checked', html)
    assert not re.search(r'<input[^>]*name="kinds" value="other"[^>]*checked', html)
    assert f'value="{temp_pass.number}"' in html
    html = c.get("/gate/east/incident?kind=nonsense").content.decode()
    assert not re.search(r'name="kinds"[^>]*checked', html)


def test_a_feverish_visitor_gets_the_rule_too(login, gates):
    from fangkong.policy.catalogue import SETTINGS

    r = login("guard").post("/gate/east/visitor", visitor_data(temperature="38.0"), **HX)
    html = r.content.decode()
    assert decision(r) == "deny" and "Fever: ≥ 37.3 °C" in html
    assert SETTINGS["gate_fever_instruction"].default in html and 'href="/gate/east/incident?kind=fever"' in html


def test_the_id_number_in_the_pass_field_is_the_key(login, temp_pass):
    """An ID-card reader (or 18 typed characters) in the pass field: the holder's pass in this community,
    and the ID requirement met in the same step (the scan service finds the pass by the blind index)."""
    r = post_scan(login("guard"), None, code=temp_pass.person.id_number, id_number="")
    assert decision(r) == "allow", r.content.decode()[:1500]
    assert temp_pass.number in r.content.decode()
    scan = Scan.objects.get()
    assert (scan.pass_ref, scan.decision, scan.reasons) == (temp_pass, "allow", [])


def test_an_id_number_of_another_community_is_an_unknown_pass(login, personas, places, make_person, gates):
    outsider = make_person(places["far"].grids.get(), name="外社区居民")
    pass_issue(actor=personas["admin"], person=outsider, kind="resident", valid_from=date(2020, 1, 1),
               valid_until=date(2099, 1, 1))
    r = post_scan(login("guard"), None, code=outsider.id_number, id_number="")
    assert decision(r) == "deny" and 'data-reason="unknown_pass"' in r.content.decode()
    assert "外*" not in r.content.decode() and outsider.id_number_masked not in r.content.decode()


def test_the_console_tells_the_id_card_field_apart(login, gates):
    html = login("guard").get("/gate/east/").content.decode()
    assert 'class="field id-field"' in html and 'class="id-as-key" hidden' in html


def test_a_vehicle_answer_colours_each_occupant(login, personas, places, make_person, temp_pass):
    driver = make_person(places["grid1"], name="张三")
    resident = pass_issue(actor=personas["office"], person=driver, kind="resident", valid_from=date(2020, 1, 1),
                          valid_until=date(2099, 1, 1))
    data = {"direction": "in", "vehicle": "1", "plate": "鲁B12345", "code": [resident.number, temp_pass.number],
            "id_number": ["", temp_pass.person.id_number], "temperature": ["36.6", "38.1"]}
    r = login("guard").post("/gate/east/scan", data, **HX)
    html = r.content.decode()
    assert decision(r) == "deny" and "answer-vehicle" in html
    people = re.findall(r'<section class="answer-person answer-person-(\w+)" data-decision="(\w+)">', html)
    assert people == [("allow", "allow"), ("deny", "deny")]
    assert "1 of 2 may pass" in html
    assert mask_name("张三") in html and "Fever: ≥ 37.3 °C" in html


def test_keyboard_hints_are_marked_for_hiding_on_touch_screens(login, temp_pass):
    html = post_scan(login("guard"), temp_pass).content.decode()
    assert '<small class="key-hint">(Enter)</small>' in html


def test_the_answer_has_no_tap_anywhere_to_dismiss(login, temp_pass):
    """The answer's own button (data-dismiss) goes back; console.js ignores taps elsewhere on it."""
    html = post_scan(login("guard"), temp_pass).content.decode()
    assert html.count("data-dismiss") == 1 and 'class="answer-next" data-dismiss' in html
    js = (settings_static("gates/console.js")).read_text()
    assert 'if (!event.target.closest("[data-dismiss]")) return;' in js


def settings_static(path: str):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    return Path(finders.find(path))


def test_incidents_name_the_reporter_not_the_username(login, personas, gates):
    guard = personas["guard"]
    guard.display_name = "王保安"
    guard.save(update_fields=["display_name"])
    incident_report(actor=guard, gate_code="east", kinds=["other"], description="可疑人员")
    html = login("guard").get("/gate/east/incident").content.decode()
    article = html.split('<article class="card incident">')[1]
    assert "王保安" in article and "guard" not in article


# --- where gate staff start ------------------------------------------------------------------------------


def on_duty(gates, group, gate="north", staff=(), hours=(-1, 1)):
    now = timezone.now()
    shift = Shift.objects.create(community=gates[gate].community, gate=gates[gate], leader=group["leader"],
                                 starts_at=now + timedelta(hours=hours[0]), ends_at=now + timedelta(hours=hours[1]))
    shift.staff.set(staff)
    return shift


def test_a_guard_on_duty_starts_at_the_gates_console(login, personas, gates, group):
    c = login("guard")
    assert c.get("/gate/duty/")["Location"] == "/gate/"  # off duty: the list of gates
    on_duty(gates, group, gate="north", staff=[personas["guard"]], hours=(2, 10))  # later today: still off duty
    assert c.get("/gate/duty/")["Location"] == "/gate/"
    on_duty(gates, group, gate="north", staff=[personas["guard"]])
    r = c.get("/")
    assert r.status_code == 302 and r["Location"] == "/gate/duty/"
    assert c.get(r["Location"])["Location"] == "/gate/north/"


def test_a_committee_member_leading_a_shift_is_on_duty_there(personas, places, gates, group):
    from fangkong.gates.selectors import gate_on_duty

    volunteer = user_create(username="vol2", password="pw-vol2", role=Role.VOLUNTEER, communities=[places["home"]])
    group["member"].user = volunteer
    group["member"].save(update_fields=["user"])
    shift = on_duty(gates, group, gate="east")
    shift.leader = group["member"]
    shift.save(update_fields=["leader"])
    assert gate_on_duty(actor=volunteer) == gates["east"]
    assert gate_on_duty(actor=personas["guard"]) is None
    assert gate_on_duty(actor=volunteer, at=shift.ends_at) is None  # a shift ends at its end


def test_a_shift_at_a_gate_outside_the_scope_is_not_a_landing(personas, gates, group):
    from fangkong.gates.selectors import gate_on_duty

    on_duty(gates, group, gate="far", staff=[personas["guard"]])
    assert gate_on_duty(actor=personas["guard"]) is None
    assert gate_on_duty(actor=personas["office"]) is None  # no Perm.SCAN: never on a gate's console


@pytest.mark.parametrize(("persona", "landing"), [
    ("grid1", "/screening/today/"), ("office", "/dashboard/"), ("street", "/dashboard/"), ("leader", "/dashboard/"),
])
def test_where_others_land(login, persona, landing):
    from django.urls import reverse

    want = {"/screening/today/": reverse("screening:today"), "/dashboard/": reverse("dashboard:home")}[landing]
    assert login(persona).get("/")["Location"] == want
