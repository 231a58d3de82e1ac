"""The supplies API: shapes, 409 with nothing recorded, donations into stock, scope."""

import json

import pytest

from fangkong.supplies.models import Donation, Movement, Stock

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_items_and_stock_shapes(places, personas, items, api_client):
    office = api_client("office")
    answer = office.get("/api/v1/supplies/items").json()
    assert {"code": "alcohol_75", "name": "75%医用酒精", "unit": "瓶"} in answer
    r = post(office, "/api/v1/supplies/movements", {"item": "alcohol_75", "quantity": 30, "direction": "in",
                                                     "reason": "purchase"})
    assert r.status_code == 201 and set(r.json()) == {"id", "stock_after"} and r.json()["stock_after"] == 30
    stock = office.get("/api/v1/supplies/stock?community=C1").json()
    assert stock == [{"item": "alcohol_75", "place": "社区仓库", "quantity": 30, "unit": "瓶", "low": False}]
    assert office.get("/api/v1/supplies/stock").json() == stock  # the user's only community


def test_out_above_stock_is_409_and_nothing_recorded(places, personas, items, api_client):
    office = api_client("office")
    post(office, "/api/v1/supplies/movements", {"item": "gloves", "quantity": 3, "direction": "in",
                                                "reason": "purchase"})
    r = post(office, "/api/v1/supplies/movements", {"community": "C1", "item": "gloves", "quantity": 4,
                                                    "direction": "out", "reason": "used"})
    assert r.status_code == 409 and r.json()["code"] == "insufficient_stock"
    assert Movement.objects.count() == 1 and Stock.objects.get().quantity == 3


@pytest.mark.parametrize("body", [
    {"item": "gloves", "quantity": 0, "direction": "in", "reason": "purchase"},
    {"item": "gloves", "quantity": -1, "direction": "out", "reason": "used"},
    {"item": "nope", "quantity": 1, "direction": "in", "reason": "purchase"},
    {"item": "gloves", "quantity": 1, "direction": "sideways", "reason": "purchase"},
    {"item": "gloves", "quantity": 1, "direction": "in", "reason": "used"},
    {"item": "gloves", "quantity": 1, "direction": "in", "reason": "purchase", "place": "Nowhere"},
])
def test_bad_movements_are_400(places, personas, items, api_client, body):
    r = post(api_client("office"), "/api/v1/supplies/movements", body)
    assert r.status_code == 400, r.content
    assert Movement.objects.count() == 0


def test_donation_goes_into_stock(places, personas, items, api_client):
    r = post(api_client("leader"), "/api/v1/donations", {
        "donor_name": "热心居民王先生", "donor_kind": "person", "public_thanks": True,
        "items": [{"item": "alcohol_75", "quantity": 30}, {"item": "duty_food", "quantity": 4}]})
    assert r.status_code == 201, r.content
    assert r.json()["items"] == [{"item": "alcohol_75", "quantity": 30}, {"item": "duty_food", "quantity": 4}]
    assert Stock.objects.get(item__code="alcohol_75").quantity == 30
    assert set(Movement.objects.values_list("reason", "donation_id")) == {("donation", r.json()["id"])}
    garage = post(api_client("leader"), "/api/v1/donations", {
        "donor_name": "李女士", "donor_kind": "person", "public_thanks": False,
        "in_kind": "车库一间（有水有电），供卡口值守使用"})
    assert garage.status_code == 201 and Movement.objects.count() == 2
    nothing = post(api_client("leader"), "/api/v1/donations", {"donor_name": "x", "donor_kind": "person",
                                                               "public_thanks": False})
    assert nothing.status_code == 400 and Donation.objects.count() == 2


def test_scope_and_permissions(places, personas, items, api_client):
    body = {"community": "C1", "item": "gloves", "quantity": 1, "direction": "in", "reason": "purchase"}
    assert post(api_client("outsider"), "/api/v1/supplies/movements", body).status_code == 404
    assert api_client("outsider").get("/api/v1/supplies/stock?community=C1").status_code == 404
    assert post(api_client("guard"), "/api/v1/supplies/movements", body).status_code == 403
    assert api_client("guard").get("/api/v1/supplies/stock?community=C1").status_code == 200
    assert api_client("grid1").get("/api/v1/supplies/items").status_code == 403
    donation = {"community": "C1", "donor_name": "x", "donor_kind": "organisation", "in_kind": "a car",
                "public_thanks": False}
    assert post(api_client("outsider"), "/api/v1/donations", donation).status_code == 404
    assert post(api_client("street"), "/api/v1/donations", donation).status_code == 403
    # A street office sees several communities: it must name one.
    assert api_client("street").get("/api/v1/supplies/stock").status_code == 400
    assert api_client("street").get("/api/v1/supplies/stock?community=C2").status_code == 200
