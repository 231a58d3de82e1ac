"""The screening pages through Django's test client: rounds and coverage, the visit form, daily changes,
and the key-area flags beside people in the registry pages.

Pages are asked for in English (Accept-Language) so the words on them are the msgids.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from fangkong.core.identifiers import id_check_char, mask_name
from fangkong.registry.models import Membership, Person
from fangkong.registry.services import household_create
from fangkong.screening.models import Round, TravelRecord, Visit, VisitPerson
from fangkong.screening.selectors import round_coverage
from fangkong.screening.services import round_create, travel_record_add, visit_record


def new_id(n: int) -> str:
    first17 = f"1101051990030{n % 10}{n:03d}"[:17]
    return first17 + id_check_char(first17)


def visit_url(three_doors, hh: str = "hh_a") -> str:
    return reverse("screening:visit_record", args=[three_doors["round"].pk, three_doors[hh].pk])


def round_url(three_doors) -> str:
    return reverse("screening:round_detail", args=[three_doors["round"].pk])


def member(p: Person, temperature: str = "36.5", present: bool = True, **extra) -> dict:
    data = {f"m{p.pk}-listed": "1", f"m{p.pk}-temperature": temperature}
    if present:
        data[f"m{p.pk}-present"] = "on"
    return {**data, **{f"m{p.pk}-{k}": v for k, v in extra.items()}}


def new_person(i: int = 0, **fields) -> dict:
    defaults = {"name": "新租户", "id_type": "resident_id", "id_number": new_id(1), "phone": "",
                "relation": "tenant", "category": "tenant", "temperature": "36.8"}
    return {f"new{i}-{k}": v for k, v in {**defaults, **fields}.items()}


def error_of(html: str, field_id: str) -> str:
    """The error list Django renders for the field with that id (it is also the field's aria-describedby)."""
    found = re.search(rf'<ul class="errorlist" id="id_{re.escape(field_id)}_error">(.*?)</ul>', html, re.S)
    assert found, f"no error next to {field_id}"
    return found.group(1)


# --- the visit form --------------------------------------------------------------------------------------


def test_the_visit_form_is_ready_for_a_phone(login, three_doors):
    r = login("grid1").get(visit_url(three_doors))
    assert r.status_code == 200
    html = r.content.decode()
    a1 = three_doors["a1"]
    temperature = re.search(rf'<input [^>]*name="m{a1.pk}-temperature"[^>]*>', html).group(0)
    assert 'inputmode="decimal"' in temperature
    assert len(re.findall(r'<input type="radio" name="outcome"', html)) == 3
    assert re.search(r'name="client_id" value="[0-9a-f]{32}"', html)
    assert f'name="m{a1.pk}-present" id="id_m{a1.pk}-present" checked' in html  # at home unless unticked
    assert "张三丰" in html and "李秀英" in html and "王五" not in html
    assert '<option value="湖北省">' in html and '<option value="新疆维吾尔自治区">' in html  # where: a datalist
    assert 'name="new0-relation"' in html and '<option value="tenant" selected>' in html
    for handout in Visit.Handout.values:
        assert f'name="handouts" value="{handout}"' in html


def test_a_visit_with_a_temperature_and_a_new_tenant_is_recorded(login, three_doors):
    a1, a2 = three_doors["a1"], three_doors["a2"]
    c = login("grid1")
    before = round_coverage(actor=three_doors["round"].created_by, rnd=three_doors["round"]).total
    data = {"outcome": "seen", "client_id": "abc123", "handouts": ["notice", "masks"], "note": "已告知",
            **member(a1, "36,6", symptoms="cough"), **member(a2, present=False), **new_person()}
    r = c.post(visit_url(three_doors), data)
    # back to the door list, the next door after this one first
    door_list = reverse("screening:visit_start", args=[three_doors["round"].pk])
    assert r.status_code == 302 and r["Location"] == f"{door_list}?after={three_doors['hh_a'].pk}"

    visit = Visit.objects.get()
    assert (visit.outcome, visit.household_id, visit.worker.username) == ("seen", three_doors["hh_a"].pk, "grid1")
    assert visit.handouts == ["notice", "masks"] and visit.note == "已告知"
    assert visit.client_id == f"web:{visit.worker_id}:abc123"
    checked = {vp.person_id: vp for vp in VisitPerson.objects.filter(visit=visit)}
    assert checked[a1.pk].temperature == Decimal("36.6") and checked[a1.pk].symptoms == ["cough"]
    assert checked[a2.pk].present is False and checked[a2.pk].temperature is None

    tenant = Person.objects.get(name="新租户")
    assert (tenant.household_id, tenant.category, tenant.id_number) == (three_doors["hh_a"].pk, "tenant", new_id(1))
    assert Membership.objects.get(person=tenant).relation == "tenant"
    assert checked[tenant.pk].added_on_spot and checked[tenant.pk].temperature == Decimal("36.8")

    after = round_coverage(actor=three_doors["round"].created_by, rnd=three_doors["round"]).total
    assert (before.seen, before.remaining, before.people_total) == (0, 3, 4)
    assert (after.seen, after.remaining, after.people_seen, after.people_total) == (1, 2, 2, 5)

    page = c.get(r["Location"]).content.decode()  # the door list: a message, and the door is no longer to visit
    assert "recorded" in page and three_doors["hh_a"].address in page
    remaining = page.split('id="doors"')[1].split("</ul>")[0]
    assert three_doors["hh_a"].address not in remaining and three_doors["hh_b"].address in remaining


def test_a_double_submit_records_the_visit_once(login, three_doors):
    c = login("grid1")
    data = {"outcome": "seen", "client_id": "same-tap", **member(three_doors["a1"]), **new_person()}
    assert c.post(visit_url(three_doors), data).status_code == 302
    assert c.post(visit_url(three_doors), data).status_code == 302
    assert Visit.objects.count() == 1 and Person.objects.filter(name="新租户").count() == 1


def test_a_bad_id_number_and_temperature_are_shown_next_to_their_fields_and_nothing_is_saved(login, three_doors):
    a1 = three_doors["a1"]
    people = Person.objects.count()
    bad = new_id(2)[:-1] + ("0" if new_id(2)[-1] != "0" else "1")  # a wrong check digit
    r = login("grid1").post(visit_url(three_doors), {"outcome": "seen", "client_id": "t1", **member(a1, "63.5"),
                                                     **new_person(id_number=bad, temperature="hot")})
    assert r.status_code == 422
    html = r.content.decode()
    assert "Nothing was recorded" in html
    assert "between 34.0 and 43.0" in error_of(html, f"m{a1.pk}-temperature")
    assert "check digit" in error_of(html, "new0-id_number")
    assert "such as 36.5" in error_of(html, "new0-temperature")
    assert 'value="63.5"' in html and f'value="{bad}"' in html  # what was typed stays
    assert 'name="client_id" value="t1"' in html  # so that the corrected page still records once
    assert not Visit.objects.exists() and not VisitPerson.objects.exists()
    assert Person.objects.count() == people


def test_errors_found_by_the_service_land_next_to_their_fields_and_roll_everything_back(login, three_doors):
    a1, b = three_doors["a1"], three_doors["b"]
    people = Person.objects.count()
    c = login("grid1")
    # Key-area travel without a place: the service says so, about the first member listed.
    r = c.post(visit_url(three_doors), {"outcome": "seen", **member(a1, key_area_travel="on", travel_place="")})
    assert r.status_code == 422
    assert "where the person travelled" in error_of(r.content.decode(), f"m{a1.pk}-travel_place")
    # A new person with the ID number of someone registered: found after the visit row was written.
    r = c.post(visit_url(three_doors), {"outcome": "seen", **member(a1), **new_person(id_number=b.id_number)})
    assert r.status_code == 422
    assert error_of(r.content.decode(), "new0-id_number")
    assert not Visit.objects.exists() and not VisitPerson.objects.exists() and not TravelRecord.objects.exists()
    assert Person.objects.count() == people


def test_the_outcome_is_required_and_nobody_home_lists_nobody(login, three_doors):
    c = login("grid1")
    r = c.post(visit_url(three_doors), {**member(three_doors["a1"])})
    assert r.status_code == 422 and "Say whether anyone was seen" in error_of(r.content.decode(), "outcome")
    # A person typed in, then "nobody home": the service refuses rather than drop the person silently.
    r = c.post(visit_url(three_doors), {"outcome": "nobody_home", **new_person()})
    assert r.status_code == 422 and "people were seen" in r.content.decode()
    assert not Visit.objects.exists()
    # Nobody home: the member blocks (still on the page, hidden) are not recorded.
    r = c.post(visit_url(three_doors), {"outcome": "nobody_home", **member(three_doors["a1"], "99")})
    assert r.status_code == 302
    assert Visit.objects.get().outcome == "nobody_home" and not VisitPerson.objects.exists()
    total = round_coverage(actor=three_doors["round"].created_by, rnd=three_doors["round"]).total
    assert (total.seen, total.unreachable, total.remaining) == (0, 1, 2)


def test_another_person_block_is_added_without_recording(login, three_doors):
    c = login("grid1")
    r = c.post(visit_url(three_doors), {"outcome": "seen", "client_id": "k1", "new_count": "1", "add_person": "1",
                                        **member(three_doors["a1"], "36.4"), **new_person(name="第一位")})
    assert r.status_code == 200 and not Visit.objects.exists()
    html = r.content.decode()
    assert 'name="new1-name"' in html and 'name="new_count" value="2"' in html
    assert 'value="第一位"' in html and 'value="36.4"' in html and "errorlist" not in html
    r = c.post(visit_url(three_doors), {"outcome": "seen", "client_id": "k1", "new_count": "2",
                                        **member(three_doors["a1"]), **new_person(0, name="第一位"),
                                        **new_person(1, name="第二位", id_number=new_id(3))})
    assert r.status_code == 302
    assert set(VisitPerson.objects.filter(added_on_spot=True).values_list("person__name", flat=True)) == {
        "第一位", "第二位"}


def test_a_grid_worker_cannot_open_another_grids_households(login, three_doors):
    c = login("grid2")
    assert c.get(visit_url(three_doors, "hh_a")).status_code == 404
    assert c.post(visit_url(three_doors, "hh_a"), {"outcome": "seen", **member(three_doors["a1"])}).status_code == 404
    assert not Visit.objects.exists()
    assert c.get(visit_url(three_doors, "hh_c")).status_code == 200  # their own grid's door


def test_a_household_outside_the_rounds_grids_is_not_found(login, personas, places, three_doors):
    only_grid2 = round_create(actor=personas["office"], community=places["home"], name="二网格",
                              starts_on=date(2020, 1, 1), deadline=date(2099, 1, 1), grids=[places["grid2"]])
    url = reverse("screening:visit_record", args=[only_grid2.pk, three_doors["hh_a"].pk])
    assert login("office").get(url).status_code == 404


def test_the_street_office_cannot_record_visits(login, three_doors):
    c = login("street")
    assert c.get(visit_url(three_doors)).status_code == 403
    assert c.get(reverse("screening:visit_start", args=[three_doors["round"].pk])).status_code == 403
    assert c.post(visit_url(three_doors), {"outcome": "nobody_home"}).status_code == 403
    assert not Visit.objects.exists()


# --- rounds ----------------------------------------------------------------------------------------------


def test_the_round_page_shows_coverage_and_the_remaining_households(login, personas, three_doors):
    visit_record(actor=personas["grid1"], rnd=three_doors["round"], household=three_doors["hh_b"], outcome="refused")
    html = login("grid1").get(round_url(three_doors)).content.decode()
    # A grid worker sees their grid: households a and b; b refused the call.
    assert '<span id="households-seen">0</span> / <span id="households-total">2</span>' in html
    assert 'id="fig-unreachable">1<' in html and 'id="fig-refused">1<' in html and 'id="fig-remaining">1<' in html
    remaining = html.split('id="remaining"')[1].split("</ul>")[0]
    assert three_doors["hh_a"].address in remaining and three_doors["hh_b"].address not in remaining
    assert visit_url(three_doors, "hh_a") in remaining
    assert three_doors["hh_b"].address in html.split('id="unreachable"')[1].split("</ul>")[0]
    never = html.split('id="never-seen"')[1].split("</ul>")[0]
    assert mask_name("张三丰") in never and "张三丰" not in never
    assert reverse("registry:person_detail", args=[three_doors["a1"].pk]) in never
    assert three_doors["hh_c"].address not in html and mask_name("赵六") not in html  # grid 2 is not theirs
    assert "close-round" not in html

    office = login("office").get(round_url(three_doors)).content.decode()
    assert '<span id="households-total">3</span>' in office and three_doors["hh_c"].address in office
    assert 'id="close-round"' in office


def test_the_street_office_sees_figures_and_no_names(login, personas, three_doors):
    visit_record(actor=personas["grid1"], rnd=three_doors["round"], household=three_doors["hh_b"],
                 outcome="nobody_home")
    r = login("street").get(round_url(three_doors))
    assert r.status_code == 200
    html = r.content.decode()
    assert '<span id="households-seen">0</span> / <span id="households-total">3</span>' in html
    assert 'id="fig-unreachable">1<' in html and '<span id="people-total">4</span>' in html
    assert 'id="by-grid"' in html and "网格" in html
    assert three_doors["hh_a"].address not in html and mask_name("张三丰") not in html
    assert 'id="remaining"' not in html and 'id="record-visit"' not in html
    listing = login("street").get(reverse("screening:round_list")).content.decode()
    assert "第一轮排查" in listing and "0 / 3 households seen" in listing and 'id="round-create"' not in listing


def test_outsiders_see_no_round(login, three_doors):
    c = login("outsider")
    assert c.get(round_url(three_doors)).status_code == 404
    assert "第一轮排查" not in c.get(reverse("screening:round_list")).content.decode()
    assert login("guard").get(reverse("screening:round_list")).status_code == 403


def test_the_office_opens_a_round_for_some_grids(login, places, three_doors):
    c = login("office")
    listing = c.get(reverse("screening:round_list")).content.decode()
    assert 'id="round-create"' in listing and "0%" in listing
    r = c.post(reverse("screening:round_list"), {"community": places["home"].code, "name": "第二轮",
                                                 "starts_on": "2020-02-01", "deadline": "2020-01-31"})
    assert r.status_code == 422 and "cannot be before the start" in error_of(r.content.decode(), "deadline")
    r = c.post(reverse("screening:round_list"), {"community": places["home"].code, "name": "第二轮",
                                                 "starts_on": "2020-02-01", "deadline": "2020-02-05",
                                                 "grids": [str(places["grid1"].pk)]})
    rnd = Round.objects.get(name="第二轮")
    assert r.status_code == 302 and r["Location"] == reverse("screening:round_detail", args=[rnd.pk])
    assert list(rnd.grids.all()) == [places["grid1"]]
    assert list(rnd.workers.values_list("username", flat=True)) == ["grid1"]
    assert login("grid1").post(reverse("screening:round_list"), {"name": "x"}).status_code == 403


def test_closing_a_round_stops_visits(login, three_doors):
    assert login("grid1").post(reverse("screening:round_close", args=[three_doors["round"].pk])).status_code == 403
    c = login("leader")
    r = c.post(reverse("screening:round_close", args=[three_doors["round"].pk]))
    assert r.status_code == 302
    three_doors["round"].refresh_from_db()
    assert three_doors["round"].closed_at is not None
    grid1 = login("grid1")
    r = grid1.get(visit_url(three_doors))
    assert r.status_code == 302 and r["Location"] == round_url(three_doors)
    assert grid1.post(visit_url(three_doors), {"outcome": "nobody_home"}).status_code == 302
    assert not Visit.objects.exists()
    assert "The round is closed" in grid1.get(round_url(three_doors)).content.decode()


def test_visit_start_lists_the_workers_doors_first_and_searches_by_address(login, personas, places, three_doors):
    from fangkong.workgroup.models import HouseholdLiaison, Member, WorkingGroup

    group = WorkingGroup.objects.create(community=places["home"], name="防控工作组", established=date(2020, 1, 26))
    me = Member.objects.create(community=places["home"], group=group, name="网格员一", user=personas["grid1"],
                               position=Member.Position.GRID_WORKER)
    HouseholdLiaison.objects.create(household=three_doors["hh_b"], member=me, community=places["home"],
                                    grid=places["grid1"])
    c = login("grid1")
    html = c.get(reverse("screening:visit_start", args=[three_doors["round"].pk])).content.decode()
    doors = re.findall(r'data-household="(\d+)"', html)
    assert doors == [str(three_doors["hh_b"].pk), str(three_doors["hh_a"].pk)]  # theirs first, grid 2 not at all
    empty = household_create(actor=personas["admin"], community=places["home"], grid=places["grid1"],
                             building_name="9号楼", unit="2单元", room="901")
    html = c.get(reverse("screening:visit_start", args=[three_doors["round"].pk]), {"q": "9号楼"}).content.decode()
    assert re.findall(r'data-household="(\d+)"', html) == [str(empty.pk)]  # an empty flat can still be called on
    assert "nobody registered" in html


# --- daily changes and flags -----------------------------------------------------------------------------


def test_daily_changes_show_arrivals_and_new_key_area_flags(login, personas, places, make_person, three_doors):
    today = timezone.localdate()
    make_person(places["grid1"], name="新来者")
    travel_record_add(actor=personas["office"], person=three_doors["b"], place="湖北省武汉市",
                      returned_on=today - timedelta(days=1))
    travel_record_add(actor=personas["office"], person=three_doors["a1"], place="山东省济南市",
                      returned_on=today - timedelta(days=1))
    html = login("grid1").get(reverse("screening:changes"), {"community": places["home"].code}).content.decode()
    arrivals = html.split('id="arrivals"')[1].split("</ul>")[0]
    assert mask_name("新来者") in arrivals and "新来者" not in arrivals
    flags = html.split('id="new-flags"')[1].split("</ul>")[0]
    assert mask_name("王五") in flags and "湖北省武汉市" in flags
    assert mask_name("张三丰") not in flags  # Jinan is not a key area
    old = login("grid1").get(reverse("screening:changes"), {"day": "2020-02-01"}).content.decode()
    assert mask_name("新来者") not in old
    assert login("outsider").get(reverse("screening:changes"), {"community": places["home"].code}).status_code == 404


def test_key_area_flags_appear_beside_people_in_the_registry(login, personas, three_doors):
    travel_record_add(actor=personas["office"], person=three_doors["a1"], place="湖北省孝感市",
                      returned_on=timezone.localdate() - timedelta(days=3))
    badge = re.compile(r'<span class="flag flag-key_area" title="([^"]*)">')
    c = login("office")
    listing = c.get(reverse("registry:person_list")).content.decode()
    assert len(badge.findall(listing)) == 1 and "湖北省孝感市" in badge.search(listing).group(1)
    row = next(tr for tr in listing.split("<tr>") if "张三丰" in tr)
    assert badge.search(row)
    household = c.get(reverse("registry:household_detail", args=[three_doors["hh_a"].pk])).content.decode()
    assert len(badge.findall(household)) == 1
    detail = c.get(reverse("registry:person_detail", args=[three_doors["a1"].pk])).content.decode()
    assert badge.search(detail) and 'data-flag="key_area"' in detail
    plain = c.get(reverse("registry:person_detail", args=[three_doors["b"].pk])).content.decode()
    assert not badge.search(plain)
    # And on the visit form, beside the member.
    form = login("grid1").get(visit_url(three_doors)).content.decode()
    block = form.split(f'id="member-{three_doors["a1"].pk}"')[1].split("</legend>")[0]
    assert badge.search(block)
