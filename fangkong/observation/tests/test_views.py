"""The observation pages through Django's test client: the landlord's link and the office's decision, the
observation and its follow-ups, alerts, scoping, and the self-report page.

Pages are asked for in English (Accept-Language) so the words on them are the msgids.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client

from fangkong.core.dates import local_today
from fangkong.core.identifiers import id_check_char, mask_name
from fangkong.observation.models import Alert, FollowUp, Observation, ReportLink, ReturneeReport, Site
from fangkong.observation.returnees import ReportData, link_issue, link_revoke, report_by_link, report_by_office
from fangkong.observation.services import followup_record, observation_end, observation_start
from fangkong.registry.models import Person
from fangkong.registry.services import household_create

FIRST17 = "42010119900307123"  # Wuhan, born 1990-03-07
NEW_ID = FIRST17 + id_check_char(FIRST17)


def csrf_post(c: Client, url: str, data: dict):
    c.get(url)  # the form page sets the CSRF cookie
    return c.post(url, {**data, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})


def html(response) -> str:
    return response.content.decode()


def main(response) -> str:
    return re.search(r"<main.*</main>", html(response), re.S).group(0)


def field_error(response, field: str) -> str | None:
    found = re.search(rf'<p class="error"[^>]*data-field="{field}"[^>]*>([^<]*)</p>', html(response))
    return found.group(1) if found else None


@pytest.fixture
def letting(places, personas, make_person):
    """A landlord of grid 1 who lets one home to one tenant."""
    grid1 = places["grid1"]
    landlord = make_person(grid1, name="王房东")
    home = household_create(actor=personas["admin"], community=places["home"], grid=grid1, building_name="9号楼",
                            unit="1单元", room="101")
    tenant = make_person(grid1, name="赵租客", household=home, landlord=landlord, relation="tenant",
                         category="tenant")
    return SimpleNamespace(landlord=landlord, home=home, tenant=tenant)


@pytest.fixture
def resident(places, make_person):
    return make_person(places["grid1"], name="孙居民", phone="13800001111")


@pytest.fixture
def observed(personas, resident):
    return observation_start(actor=personas["office"], person=resident, kind=Observation.Kind.HOME,
                             start=local_today())


def _landlord_report(letting, *, from_place="湖北省武汉市") -> ReturneeReport:
    link, _token = link_issue(actor=_office(), person=letting.landlord, kind=ReportLink.Kind.LANDLORD)
    return report_by_link(link=link, data=ReportData(
        from_place=from_place, arrival_date=local_today() - timedelta(days=1), name="李四光", id_number=NEW_ID,
        phone="13912345678", household_id=letting.home.pk))


def _office():
    from fangkong.accounts.models import User

    return User.objects.get(username="office")


# --- the landlord's link and the office's decision -----------------------------------------------------


def test_landlord_link_reports_a_new_tenant_shown_masked_to_the_office(login, anonymous, personas, letting):
    _link, token = link_issue(actor=personas["office"], person=letting.landlord, kind=ReportLink.Kind.LANDLORD)
    phone = anonymous()
    page = phone.get(f"/observation/r/{token}/")
    assert page.status_code == 200
    text = html(page)
    assert "一号社区" in text and "2020-02-24" in text  # the community and the work-resumption date
    assert mask_name("赵租客") in text and "赵租客" not in text  # the current tenant, masked
    # The token stays on this site (not "no-referrer": browsers then post forms with "Origin: null", which
    # Django's CSRF check refuses) and out of caches.
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]

    # CSRF holds without a login: a post without the token is refused.
    assert phone.post(f"/observation/r/{token}/", {"tenant": "new"}).status_code == 403

    r = csrf_post(phone, f"/observation/r/{token}/", {
        "tenant": "new", "name": "李四光", "id_number": NEW_ID, "phone": "13912345678",
        "household": letting.home.pk, "from_place": "湖北省武汉市",
        "arrival_date": (local_today() - timedelta(days=1)).isoformat(), "transport": "G123", "address": "",
    })
    assert r.status_code == 302, html(r)[:3000]
    report = ReturneeReport.objects.get()
    assert (report.status, report.via, report.household, report.person) == ("pending", "landlord", letting.home, None)
    assert "?sent=1" in r["Location"]
    assert "李*光" in html(phone.get(r["Location"]))  # the landlord sees the report, masked

    office = html(login("office").get("/observation/returnees/"))
    assert "李*光" in office and "李四光" not in office
    assert NEW_ID not in office and report.id_number_masked in office and "13912345678" not in office
    assert 'class="tag badge-key_area"' in office  # 湖北省武汉市 lies in the default key area 湖北省


def test_a_resident_link_reports_the_resident_only(login, anonymous, resident):
    office = login("office")
    r = office.post("/observation/links/issue", {"kind": "resident", "id_number": "110101199003071230"})
    assert r.status_code == 422 and field_error(r, "id_number") == "No such person in your scope"
    r = office.post("/observation/links/issue", {"kind": "resident",
                                                 "id_number": resident.id_number})
    assert r.status_code == 302
    page = html(office.get(r["Location"]))
    url = re.search(r'<p class="mono link-url">([^<]+)</p>', page).group(1).removeprefix("http://testserver")
    phone = anonymous()
    form = html(phone.get(url))
    assert 'name="tenant"' not in form and 'name="id_number"' not in form and mask_name("孙居民") in form
    r = csrf_post(phone, url, {"from_place": "湖北省孝感市", "arrival_date": local_today().isoformat()})
    assert r.status_code == 302
    report = ReturneeReport.objects.get()
    assert (report.person, report.via, report.household) == (resident, "self", resident.household)


def test_landlord_form_errors_are_shown_next_to_the_field(anonymous, personas, letting):
    _link, token = link_issue(actor=personas["office"], person=letting.landlord, kind=ReportLink.Kind.LANDLORD)
    r = csrf_post(anonymous(), f"/observation/r/{token}/", {
        "tenant": "new", "name": "李四光", "id_number": FIRST17 + next(c for c in "0123456789X" if c != NEW_ID[-1]),
        "household": letting.home.pk, "from_place": "", "arrival_date": local_today().isoformat(),
    })
    assert r.status_code == 422
    assert field_error(r, "id_number") == "The check digit of the ID number is wrong"
    assert field_error(r, "from_place") == "Say where the person comes from"
    assert not ReturneeReport.objects.exists()


def test_office_confirms_and_a_key_area_returnee_starts_observation(login, letting):
    report = _landlord_report(letting)
    office = login("office")
    r = office.post(f"/observation/returnees/{report.pk}/confirm", {})
    assert r.status_code == 302, html(r)[:3000]
    report.refresh_from_db()
    assert report.status == "confirmed" and report.person is not None
    person = Person.objects.by_id_number(NEW_ID).get()
    assert person == report.person and person.household == letting.home
    obs = Observation.objects.get(person=person, status="active")
    assert report.observation == obs and obs.kind == "home" and obs.start == report.arrival_date

    listing = html(office.get("/observation/"))
    assert f'href="/observation/{obs.pk}/"' in listing and "李*光" in listing and "李四光" not in listing


def test_a_returnee_from_elsewhere_is_confirmed_without_observation(login, letting):
    report = _landlord_report(letting, from_place="山东省济南市")
    assert login("office").post(f"/observation/returnees/{report.pk}/confirm", {}).status_code == 302
    report.refresh_from_db()
    assert report.status == "confirmed" and report.observation is None
    assert not Observation.objects.exists()


def test_confirming_a_new_person_without_household_asks_for_one(login, personas, places, letting):
    report = report_by_office(actor=personas["office"], community=places["home"], data=ReportData(
        from_place="湖北省", arrival_date=local_today(), name="钱新人", id_number=NEW_ID))
    office = login("office")
    r = office.post(f"/observation/returnees/{report.pk}/confirm", {})
    assert r.status_code == 422 and field_error(r, "household") == "Choose the household the person lives in"
    r = office.post(f"/observation/returnees/{report.pk}/confirm", {"household": "no such address"})
    assert r.status_code == 422 and field_error(r, "household") == "No household with this address in the community"
    r = office.post(f"/observation/returnees/{report.pk}/confirm", {"household": letting.home.address})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == "confirmed" and report.person.household == letting.home


def test_rejecting_needs_a_reason(login, letting):
    report = _landlord_report(letting)
    office = login("office")
    r = office.post(f"/observation/returnees/{report.pk}/reject", {"reason": "  "})
    assert r.status_code == 422 and field_error(r, "reason") == "Say why the report is rejected"
    report.refresh_from_db()
    assert report.status == "pending"
    r = office.post(f"/observation/returnees/{report.pk}/reject", {"reason": "Reported twice"})
    assert r.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reject_reason) == ("rejected", "Reported twice")


def test_the_office_enters_a_report_and_sees_errors_next_to_fields(login, letting):
    office = login("office")
    r = office.post("/observation/returnees/", {"name": "", "id_number": "123", "from_place": "湖北省",
                                                "arrival_date": local_today().isoformat()})
    assert r.status_code == 422
    assert field_error(r, "name") == "Name is required"
    assert field_error(r, "id_number") == "An ID number has 17 digits and a check digit or X"
    r = office.post("/observation/returnees/", {"name": "李四光", "id_number": NEW_ID, "from_place": "湖北省",
                                                "arrival_date": local_today().isoformat(),
                                                "household": letting.home.address})
    assert r.status_code == 302
    report = ReturneeReport.objects.get()
    assert (report.via, report.household, report.status) == ("office", letting.home, "pending")


def test_expired_revoked_and_unknown_tokens_give_the_same_404(anonymous, personas, letting, observed):
    link, token = link_issue(actor=personas["office"], person=letting.landlord, kind=ReportLink.Kind.LANDLORD)
    phone = anonymous()
    assert phone.get(f"/observation/r/{token}/").status_code == 200

    ReportLink.objects.filter(pk=link.pk).update(expires_on=local_today() - timedelta(days=1))
    expired = phone.get(f"/observation/r/{token}/")
    assert expired.status_code == 404
    assert "一号社区" not in html(expired) and mask_name("王房东") not in html(expired)

    link2, token2 = link_issue(actor=personas["office"], person=letting.landlord, kind=ReportLink.Kind.LANDLORD)
    assert phone.get(f"/observation/r/{token2}/").status_code == 200
    link_revoke(actor=personas["office"], link=link2)
    revoked = phone.get(f"/observation/r/{token2}/")
    assert revoked.status_code == 404
    unknown = phone.get("/observation/r/not-a-token-at-all/")
    assert unknown.status_code == 404 and main(unknown) == main(revoked) == main(expired)

    # A follow-up link opens the follow-up page only.
    _fl, ftoken = link_issue(actor=personas["grid1"], person=observed.person, kind=ReportLink.Kind.FOLLOWUP)
    assert phone.get(f"/observation/r/{ftoken}/").status_code == 404
    assert phone.get(f"/observation/f/{token2}/").status_code == 404
    assert phone.get(f"/observation/f/{ftoken}/").status_code == 200


def test_issuing_a_landlord_link_shows_its_url_and_qr(login, anonymous, letting):
    office = login("office")
    listing = html(office.get("/observation/returnees/"))
    assert mask_name("王房东") in listing and "王房东" not in listing
    r = office.post("/observation/links/issue", {"kind": "landlord", "person": letting.landlord.pk})
    assert r.status_code == 302
    link = ReportLink.objects.get(person=letting.landlord, kind="landlord", revoked_at__isnull=True)
    page = html(office.get(r["Location"]))
    assert re.search(r'<svg viewBox="0 0 \d+ \d+" class="qr">', page)
    url = re.search(r'<p class="mono link-url">([^<]+)</p>', page).group(1)
    assert url.startswith("http://testserver/r/")  # the short public path (fangkong/urls.py)
    assert anonymous().get(url.removeprefix("http://testserver")).status_code == 200
    # A grid worker may not hand out landlords' links.
    assert login("grid1").get(f"/observation/links/{link.pk}/").status_code == 403


def test_links_use_the_short_public_paths(login, anonymous, personas, letting):
    link, token = link_issue(actor=personas["office"], person=letting.landlord, kind=ReportLink.Kind.LANDLORD)
    page = html(login("office").get(f"/observation/links/{link.pk}/"))
    assert f"http://testserver/r/{token}/" in page
    assert anonymous().get(f"/r/{token}/").status_code == 200
    assert anonymous().get(f"/observation/r/{token}/").status_code == 200


# --- observations, follow-ups and alerts ---------------------------------------------------------------


def test_the_office_starts_an_observation_from_the_list(login, personas, resident):
    office = login("office")
    r = office.post("/observation/", {"id_number": "", "kind": "home", "start": local_today().isoformat()})
    assert r.status_code == 422 and field_error(r, "id_number") == "Enter the person&#x27;s ID number"
    number = resident.id_number
    r = office.post("/observation/", {"id_number": number, "kind": "home", "start": local_today().isoformat()})
    obs = Observation.objects.get(person=resident)
    assert r.status_code == 302 and r["Location"] == f"/observation/{obs.pk}/"
    assert obs.responsible == personas["grid1"]  # no liaison: the grid worker of the person's grid
    r = office.post("/observation/", {"person": resident.pk, "kind": "home", "start": local_today().isoformat()})
    assert r.status_code == 422 and field_error(r, "id_number") == "The person is already under observation"
    listing = html(office.get("/observation/"))
    assert mask_name("孙居民") in listing and "孙居民" not in listing and "day 1 of 14" in listing


def test_a_fever_follow_up_opens_an_alert_that_shows_on_the_alerts_page(login, personas, observed):
    grid1 = login("grid1")
    page = html(grid1.get(f"/observation/{observed.pk}/"))
    assert re.search(r'name="temperature"[^>]*inputmode="decimal"', page)
    assert grid1.post(f"/observation/{observed.pk}/followup", {"temperature": "37.2"}).status_code == 302
    assert not Alert.objects.exists()
    r = grid1.post(f"/observation/{observed.pk}/followup", {"temperature": "37.3", "symptoms": ["cough"]})
    assert r.status_code == 302
    fu = FollowUp.objects.get(temperature="37.3")
    assert fu.fever and fu.symptoms == ["cough"] and fu.recorded_by == personas["grid1"]
    alert = Alert.objects.get()
    assert (alert.kind, alert.status, alert.responsible) == ("fever", "open", personas["grid1"])

    alerts = html(grid1.get("/observation/alerts/?mine=on"))
    assert f'id="alert-{alert.pk}"' in alerts and mask_name("孙居民") in alerts and "37.3 °C" in alerts
    assert f'id="alert-{alert.pk}"' not in html(login("office").get("/observation/alerts/?mine=on"))
    assert f'id="alert-{alert.pk}"' in html(login("office").get("/observation/alerts/"))

    r = grid1.post(f"/observation/{observed.pk}/followup", {"temperature": "50"})
    assert r.status_code == 422 and field_error(r, "temperature") == "A body temperature lies between 34.0 and 43.0 °C"


def test_an_alert_is_acknowledged_then_closed_with_an_action(login, personas, observed):
    followup_record(actor=personas["grid1"], obs=observed, temperature="38.2")
    alert = Alert.objects.get()
    office = login("office")
    assert office.post(f"/observation/alerts/{alert.pk}/acknowledge").status_code == 302
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == personas["office"]

    r = office.post(f"/observation/alerts/{alert.pk}/close", {"action": ""})
    assert r.status_code == 422 and field_error(r, "action") == "Say what was done"
    alert.refresh_from_db()
    assert alert.status == "acknowledged"

    r = office.post(f"/observation/alerts/{alert.pk}/close", {"action": "Taken to the fever clinic",
                                                                "next": "/observation/alerts/"})
    assert r.status_code == 302 and r["Location"] == "/observation/alerts/"
    alert.refresh_from_db()
    assert (alert.status, alert.action, alert.closed_by) == ("closed", "Taken to the fever clinic", personas["office"])
    assert f'id="alert-{alert.pk}"' not in html(office.get("/observation/alerts/"))
    assert "Taken to the fever clinic" in html(office.get("/observation/alerts/?status=closed"))


def test_the_alerts_page_raises_missed_follow_ups_without_the_worker(login, observed):
    from django.utils import timezone

    Observation.objects.filter(pk=observed.pk).update(start=local_today() - timedelta(days=2),
                                                      opened_at=timezone.now() - timedelta(days=3))
    assert not Alert.objects.exists()
    page = html(login("grid1").get("/observation/alerts/?kind=missed_followup"))
    missed = Alert.objects.filter(observation=observed, kind="missed_followup")
    assert missed.count() >= 4  # two a day, for the two days before today at least
    assert all(f'id="alert-{a.pk}"' in page for a in missed)
    login("grid1").get("/observation/alerts/")
    assert Alert.objects.filter(kind="missed_followup").count() == missed.count()  # idempotent


def test_a_grid_worker_cannot_open_an_observation_of_another_grid(login, observed):
    assert login("grid1").get(f"/observation/{observed.pk}/").status_code == 200
    grid2 = login("grid2")
    assert grid2.get(f"/observation/{observed.pk}/").status_code == 404
    assert grid2.post(f"/observation/{observed.pk}/followup", {"temperature": "36.5"}).status_code == 404
    assert not FollowUp.objects.exists()
    assert mask_name("孙居民") not in html(grid2.get("/observation/"))
    assert login("outsider").get(f"/observation/{observed.pk}/").status_code == 404


def test_extend_and_end_early_need_a_reason(login, observed):
    office = login("office")
    new_end = observed.planned_end + timedelta(days=7)
    r = office.post(f"/observation/{observed.pk}/extend", {"new_end": new_end.isoformat(), "reason": ""})
    assert r.status_code == 422 and field_error(r, "reason") == "Say why the observation is extended"
    r = office.post(f"/observation/{observed.pk}/extend", {"new_end": new_end.isoformat(), "reason": "Cough"})
    assert r.status_code == 302
    observed.refresh_from_db()
    assert observed.planned_end == new_end
    r = office.post(f"/observation/{observed.pk}/end", {"status": "ended_early", "reason": ""})
    assert r.status_code == 422 and field_error(r, "reason") == "Say why the observation ends early"
    r = office.post(f"/observation/{observed.pk}/end", {"status": "transferred", "reason": "Hospital"})
    assert r.status_code == 302
    observed.refresh_from_db()
    assert observed.status == "transferred"
    link = f'href="/observation/{observed.pk}/"'
    assert link not in html(office.get("/observation/"))  # the list shows active observations by default
    assert link in html(office.get("/observation/?status=transferred"))
    # Grid workers follow up but do not end observations.
    assert login("grid1").post(f"/observation/{observed.pk}/end", {"status": "completed"}).status_code == 403


def test_the_self_follow_up_page_records_and_refuses_after_the_end(login, anonymous, personas, observed):
    grid1 = login("grid1")
    assert grid1.post(f"/observation/{observed.pk}/link").status_code == 302
    link = ReportLink.objects.get(person=observed.person, kind="followup")
    page = html(grid1.get(f"/observation/{observed.pk}/"))
    assert re.search(r'<svg viewBox="0 0 \d+ \d+" class="qr">', page)
    url = re.search(r'<p class="mono link-url">([^<]+)</p>', page).group(1).removeprefix("http://testserver")
    assert url.startswith("/f/")

    phone = anonymous()
    first = html(phone.get(url))
    assert "14 days left" in first and "孙居民" not in first and "13800001111" not in first
    r = csrf_post(phone, url, {"temperature": "36,6", "symptoms": ["fatigue"]})
    assert r.status_code == 302
    fu = FollowUp.objects.get()
    assert (fu.source, fu.recorded_by, str(fu.temperature), fu.symptoms) == ("self", None, "36.6", ["fatigue"])
    assert "Recorded: 36.6 °C" in html(phone.get(r["Location"]))
    link.refresh_from_db()
    assert link.last_used_at is not None

    observation_end(actor=personas["office"], obs=observed, status="ended_early", reason="Moved away")
    # Ending the observation ends the link: the page no longer shows the person's temperatures.
    after = phone.get(url)
    assert after.status_code == 404 and "36.6" not in html(after)
    assert phone.post(url, {"temperature": "36.5"}).status_code in (403, 404) and FollowUp.objects.count() == 1


# --- sites ---------------------------------------------------------------------------------------------


def test_the_office_adds_a_site_and_sees_its_occupancy(login, personas, places, resident):
    office = login("office")
    street = places["home"].street
    r = office.post("/observation/sites/", {"street": street.pk, "name": "", "capacity": "2", "rooms": "101 102"})
    assert r.status_code == 422 and field_error(r, "name") == "Give the site a name"
    r = office.post("/observation/sites/", {"street": street.pk, "name": "海景酒店", "capacity": "2",
                                            "rooms": "101, 102"})
    assert r.status_code == 302
    site = Site.objects.get()
    assert site.rooms == ["101", "102"]
    observation_start(actor=personas["office"], person=resident, kind="centralised", start=local_today(), site=site,
                      room="101")
    page = html(login("grid1").get("/observation/sites/"))
    row = re.search(rf'<tr data-id="{site.pk}">.*?</tr>', page, re.S).group(0)
    assert "海景酒店" in row and "<td>2</td><td>1</td><td>1</td>" in row and 'class="room taken"' in row
    assert 'id="new-site"' not in page  # grid workers do not add sites


def test_a_site_of_another_street_is_refused_next_to_the_site_field(login, personas, places, resident):
    from fangkong.observation.services import site_create

    far_site = site_create(actor=personas["admin"], street=places["far"].street, name="远郊酒店", capacity=5)
    c = login("admin")
    r = c.post("/observation/", {"person": resident.pk, "kind": "centralised", "start": local_today().isoformat(),
                                 "site": far_site.pk})
    assert r.status_code == 422 and field_error(r, "site") == "The site serves another street"
    assert not Observation.objects.exists()


# --- every page, for every role ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_the_roles_that_may_see_it(login, personas, letting, observed, language):
    followup_record(actor=personas["grid1"], obs=observed, temperature="38.0")
    _landlord_report(letting)
    link, _token = link_issue(actor=personas["office"], person=observed.person, kind=ReportLink.Kind.FOLLOWUP)
    pages = ["/observation/", "/observation/?status=all&kind=home&due=on", f"/observation/?person={letting.tenant.pk}",
             f"/observation/{observed.pk}/", "/observation/alerts/", "/observation/alerts/?status=all&kind=fever",
             "/observation/returnees/", "/observation/returnees/?status=confirmed", "/observation/returnees/?q=王",
             "/observation/sites/"]
    for name in ("admin", "leader", "office", "grid1"):
        c = login(name, language=language)
        for url in pages:
            assert c.get(url).status_code == 200, (name, url)
        assert c.get("/observation/", HTTP_HX_REQUEST="true").status_code == 200
        expected = 200 if name in ("admin", "leader", "office", "grid1") else 403
        assert c.get(f"/observation/links/{link.pk}/").status_code == expected, name
    for name in ("guard", "outsider", "street"):
        c = login(name, language=language)
        assert c.get("/observation/").status_code == (200 if name == "outsider" else 403)
        assert c.get(f"/observation/{observed.pk}/").status_code == (404 if name == "outsider" else 403)
