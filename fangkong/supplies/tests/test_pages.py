"""The supplies pages and the public thank-you board."""

import pytest

from fangkong.supplies import services
from fangkong.supplies.models import Donation, Movement

pytestmark = [pytest.mark.django_db, pytest.mark.urls("fangkong.supplies.tests.urls_public")]


def test_stock_page_records_a_movement_and_flags_low(places, personas, items, login):
    office = login("office")
    r = office.post("/supplies/?community=C1", {"community": "C1", "item": "alcohol_75", "direction": "in",
                                                 "reason": "purchase", "quantity": "3"})
    assert r.status_code == 302
    page = office.get("/supplies/?community=C1").content.decode()
    assert "75%医用酒精" in page and 'id="low-count"' in page
    r = office.post("/supplies/", {"community": "C1", "item": "alcohol_75", "direction": "out",
                                   "reason": "gate", "quantity": "4"})
    assert r.status_code == 200 and "Not enough in stock" in r.content.decode()
    assert Movement.objects.count() == 1
    r = office.post("/supplies/", {"community": "C1", "item": "alcohol_75", "direction": "in", "reason": "allocation",
                                   "quantity": "2", "new_place": "North gate"})
    assert r.status_code == 302
    assert "North gate" in office.get("/supplies/movements/?community=C1").content.decode()


def test_pages_scope_and_permissions(places, personas, items, login):
    assert login("outsider").get("/supplies/?community=C1").status_code == 404
    assert login("grid1").get("/supplies/").status_code == 403
    guard = login("guard")
    assert guard.get("/supplies/").status_code == 200
    assert guard.post("/supplies/", {"community": "C1", "item": "gloves", "direction": "in", "reason": "purchase",
                                     "quantity": "1"}).status_code in (403, 404)
    assert Movement.objects.count() == 0


def test_movements_are_keyset_paged(places, personas, items, login):
    for _ in range(55):
        services.movement_record(actor=personas["office"], community=places["home"], item=items["gloves"],
                                 quantity=1, direction="in", reason="purchase")
    first = login("office").get("/supplies/movements/?community=C1")
    assert first.content.decode().count("<time>") == 50 and first.context["page"].next_key
    second = login("office").get("/supplies/movements/", {"community": "C1", "after": first.context["page"].next_key})
    assert second.content.decode().count("<time>") == 5


def test_donation_form_puts_goods_into_stock(places, personas, items, login):
    r = login("leader").post("/supplies/donations/", {
        "community": "C1", "donor_kind": "organisation", "donor_name": "某茶叶店", "public_thanks": "on",
        "item_0": "duty_food", "quantity_0": "6", "in_kind": ""})
    assert r.status_code == 302
    assert Donation.objects.get().lines.get().quantity == 6
    assert Movement.objects.get().reason == "donation"
    r = login("leader").post("/supplies/donations/", {"community": "C1", "donor_kind": "person",
                                                      "donor_name": "x"})
    assert r.status_code == 200 and Donation.objects.count() == 1


def test_thanks_board_names_only_consenting_donors_and_no_personal_data(places, personas, items, make_person,
                                                                        client):
    from fangkong.registry.models import Person

    home, office = places["home"], personas["office"]
    make_person(places["grid1"], name="张三丰", phone="13800138000")
    resident = Person.objects.get(name="张三丰")
    services.donation_record(actor=office, community=home, donor_kind="resident", donor_name="", person=resident,
                             lines=[services.Line(items["alcohol_75"], 30)], public_thanks=True)
    services.donation_record(actor=office, community=home, donor_kind="person", donor_name="不愿具名的李四",
                             in_kind="车库一间（有水有电）", public_thanks=False)
    services.donation_record(actor=office, community=home, donor_kind="organisation", donor_name="星光超市",
                             lines=[services.Line(items["duty_food"], 10)], public_thanks=True)
    page = client.get("/c/C1/thanks/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "张三丰" in text and "星光超市" in text and "30瓶" in text
    assert "李四" not in text and "车库" not in text
    for secret in (resident.id_number, resident.phone):
        if secret:
            assert secret not in text
    assert client.get("/c/C9/thanks/").content.decode().count("张三丰") == 0
    assert client.get("/c/NOPE/thanks/").status_code == 404
