"""Shops: the price-alert rule (baseline by date and by first inspection, the threshold itself raises
nothing), alert handling, blue passes through the pass machinery, scope, the API's shapes, chart = rows."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.errors import FieldError, NotFound, PermissionDenied, ValidationErrors
from fangkong.passes.models import Pass
from fangkong.policy.services import policy_set
from fangkong.registry.models import Merchant
from fangkong.shops import selectors, services
from fangkong.shops.models import Category, ItemPrice, PriceAlert

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(places):
    return Merchant.objects.create(community=places["home"], kind=Merchant.Kind.VEGETABLES, name="惠民菜店")


@pytest.fixture
def water(places):
    return Merchant.objects.create(community=places["home"], kind=Merchant.Kind.WATER, name="崂山水站")


def _days(n: int):
    return timezone.localdate() - timedelta(days=n)


def _inspect(actor, merchant, price, *, ago=0, item="白菜", unit="斤"):
    return services.inspection_record(actor=actor, merchant=merchant, day=_days(ago),
                                      prices=[{"item": item, "unit": unit, "price": price}])


def test_first_inspection_is_the_baseline_and_the_threshold_itself_raises_nothing(personas, shop):
    office = personas["office"]
    assert _inspect(office, shop, "2.00", ago=5)[1] == []
    assert _inspect(office, shop, "2.20", ago=4)[1] == []  # exactly +10 %: no alert
    _insp, alerts = _inspect(office, shop, "2.21", ago=3)
    assert len(alerts) == 1
    a = alerts[0]
    assert (a.baseline, a.observed, a.percent, a.status) == (Decimal("2.00"), Decimal("2.21"), Decimal("10.5"), "open")
    assert _inspect(office, shop, "9.00", item="萝卜")[1] == []  # another item has its own baseline
    assert selectors.price_alerts_open(community_ids=[shop.community_id]) == 1


def test_baseline_is_the_latest_price_on_or_before_the_policy_date(personas, places, shop):
    office = personas["office"]
    _inspect(office, shop, "2.00", ago=10)
    _inspect(office, shop, "3.00", ago=6)
    _inspect(office, shop, "3.50", ago=2)  # after the baseline date: not the baseline
    policy_set(actor=personas["admin"], key="price_baseline_date", value=_days(5).isoformat(),
               effective_from=_days(30), community=places["home"])
    assert selectors.baseline_price(merchant=shop, item="白菜", unit="斤") == Decimal("3.00")
    assert _inspect(office, shop, "3.30")[1] == []  # +10 % of 3.00: none, although +65 % of the first
    assert len(_inspect(office, shop, "3.31")[1]) == 1


def test_the_policy_percent_is_used(personas, places, shop):
    policy_set(actor=personas["admin"], key="price_alert_percent", value=50, effective_from=_days(30),
               community=places["home"])
    _inspect(personas["office"], shop, "2.00", ago=3)
    assert _inspect(personas["office"], shop, "2.90")[1] == []
    assert len(_inspect(personas["office"], shop, "3.10")[1]) == 1


def test_acknowledge_then_close_with_action(personas, shop):
    _inspect(personas["office"], shop, "2.00", ago=3)
    alert = _inspect(personas["office"], shop, "3.00")[1][0]
    alert = services.price_alert_acknowledge(actor=personas["leader"], alert=alert)
    assert alert.status == PriceAlert.Status.ACKNOWLEDGED and alert.acknowledged_by == personas["leader"]
    with pytest.raises(FieldError):
        services.price_alert_close(actor=personas["office"], alert=alert, action=" ")
    alert = services.price_alert_close(actor=personas["office"], alert=alert, action="约谈店主，价格已回落")
    assert alert.status == PriceAlert.Status.CLOSED
    with pytest.raises(FieldError):
        services.price_alert_close(actor=personas["office"], alert=alert, action="again")
    with pytest.raises(NotFound):
        services.price_alert_acknowledge(actor=personas["outsider"], alert=alert)
    assert selectors.price_alerts_open(community_ids=[shop.community_id]) == 0


def test_alert_pages_acknowledge_and_close(login, personas, shop):
    _inspect(personas["office"], shop, "2.00", ago=3)
    alert = _inspect(personas["office"], shop, "3.00")[1][0]
    c = login("office")
    assert "惠民菜店" in c.get(reverse("shops:alert_list")).content.decode()
    assert c.post(reverse("shops:alert_acknowledge", args=[alert.pk])).status_code == 302
    assert c.post(reverse("shops:alert_close", args=[alert.pk]), {"action": ""}).status_code == 422
    assert c.post(reverse("shops:alert_close", args=[alert.pk]), {"action": "已处理"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "closed"
    assert login("outsider").post(reverse("shops:alert_acknowledge", args=[alert.pk])).status_code == 404


def test_bad_prices_are_refused_and_nothing_is_recorded(personas, shop):
    for bad in ("0", "-1", "abc", "NaN", "Infinity", "99999999"):
        with pytest.raises(ValidationErrors):
            _inspect(personas["office"], shop, bad)
    assert not ItemPrice.objects.exists() and not shop.inspections.exists()


def test_blue_pass_for_water_supplier_staff_through_the_pass_machinery(personas, places, water, shop, make_person):
    office = personas["office"]
    man = make_person(places["grid1"], name="送水工")
    staff = services.merchant_staff_add(actor=office, merchant=water, person=man, role="送水")
    p = services.staff_pass_issue(actor=office, staff=staff, valid_from=timezone.localdate(),
                                  valid_until=timezone.localdate() + timedelta(days=30))
    assert (p.kind, p.person_id, p.status) == (Pass.Kind.SERVICE, man.pk, "active")
    # a vegetable shop is not a service merchant
    veg_staff = services.merchant_staff_add(actor=office, merchant=shop, person=make_person(places["grid1"]))
    with pytest.raises(FieldError):
        services.staff_pass_issue(actor=office, staff=veg_staff, valid_from=timezone.localdate(),
                                  valid_until=timezone.localdate())


def test_merchant_page_shows_staff_pass_and_issues_from_the_page(login, personas, places, water, make_person):
    man = make_person(places["grid1"], name="送水工")
    staff = services.merchant_staff_add(actor=personas["office"], merchant=water, person=man)
    c = login("office")
    today = timezone.localdate()
    r = c.post(reverse("shops:staff_pass", args=[water.pk, staff.pk]),
               {"valid_from": today.isoformat(), "valid_until": (today + timedelta(days=10)).isoformat()})
    assert r.status_code == 302
    number = Pass.objects.get(person=man, kind="service").number
    html = c.get(reverse("shops:merchant_detail", args=[water.pk])).content.decode()
    assert number in html
    assert login("guard").post(reverse("shops:staff_pass", args=[water.pk, staff.pk])).status_code == 403


def test_profile_phone_is_protected_and_category_maps_kinds(personas, places):
    m = Merchant.objects.create(community=places["home"], kind=Merchant.Kind.OTHER, name="益康药房")
    prof = services.merchant_profile_save(actor=personas["office"], merchant=m, category=Category.PHARMACY,
                                          owner_name="王店主", owner_phone="13812345678")
    assert prof.phone_masked == "138****5678" and "13812345678" not in prof.phone_encrypted
    assert prof.phone == "13812345678"
    m.refresh_from_db()
    assert selectors.category_of(m) == "pharmacy"
    ids = [x.id for x in selectors.merchant_list(actor=personas["office"], category="pharmacy")]
    assert ids == [m.id]


def test_scope_of_services_and_pages(personas, login, shop):
    with pytest.raises(NotFound):
        _inspect(personas["outsider"], shop, "2.00")
    with pytest.raises(PermissionDenied):
        _inspect(personas["street"], shop, "2.00")  # street offices see, they do not inspect
    assert login("outsider").get(reverse("shops:merchant_detail", args=[shop.pk])).status_code == 404
    assert login("street").get(reverse("shops:merchant_detail", args=[shop.pk])).status_code == 200
    assert login("guard").get(reverse("shops:merchant_list")).status_code == 403


def test_chart_data_equals_the_table_rows(login, personas, shop):
    for ago, price in ((3, "2.00"), (2, "2.10"), (1, "2.50")):
        _inspect(personas["office"], shop, price, ago=ago)
    r = login("office").get(reverse("shops:merchant_detail", args=[shop.pk]))
    chart = json.loads(json.dumps(r.context["chart"]))
    rows = list(ItemPrice.objects.filter(merchant=shop).order_by("day").values_list("day", "price"))
    assert chart == [{"name": "白菜 (斤)", "points": [{"day": d.isoformat(), "price": str(p)} for d, p in rows]}]
    html = r.content.decode()
    assert 'id="price-data"' in html and "prices.js" in html and "echarts.min.js" in html
    for d, p in rows:
        assert f"<td>{d.isoformat()}</td><td>{p}</td>" in html


def test_inspection_form_page(login, shop):
    c = login("office")
    r = c.post(reverse("shops:inspection_new", args=[shop.pk]),
               {"day": timezone.localdate().isoformat(), "prices": "白菜, 斤, 2.00\n萝卜，斤，1.50", "stock": "low",
                "hygiene_ok": "on", "findings": "口罩佩戴不规范"})
    assert r.status_code == 302
    insp = shop.inspections.get()
    assert (insp.stock, insp.hygiene_ok, insp.protection_ok, insp.prices.count()) == ("low", True, False, 2)
    r = c.post(reverse("shops:inspection_new", args=[shop.pk]),
               {"day": timezone.localdate().isoformat(), "prices": "白菜, 斤, -2", "stock": "low"})
    assert r.status_code == 422 and shop.inspections.count() == 1


def test_api_merchants_and_inspections(api_client, personas, places, shop, water):
    Merchant.objects.create(community=places["far"], kind=Merchant.Kind.VEGETABLES, name="远方菜店")
    c = api_client("office")
    r = c.get("/api/v1/merchants?kind=vegetables")
    assert r.status_code == 200 and r.json() == [{"id": shop.id, "name": "惠民菜店", "kind": "vegetables"}]
    assert {m["kind"] for m in c.get("/api/v1/merchants").json()} == {"vegetables", "water"}
    url = f"/api/v1/merchants/{shop.id}/inspections"
    r = c.post(url, {"prices": [{"item": "白菜", "unit": "斤", "price": "2.00"}]}, content_type="application/json")
    assert r.status_code == 201 and r.json()["alerts"] == [] and isinstance(r.json()["id"], int)
    r = c.post(url, {"prices": [{"item": "白菜", "unit": "斤", "price": 2.5}], "findings": "涨价"},
               content_type="application/json")
    assert r.status_code == 201
    [a] = r.json()["alerts"]
    assert (a["item"], a["baseline"], a["price"], a["status"]) == ("白菜", "2.00", "2.50", "open")
    for bad in (0, -1, "abc", None):
        r = c.post(url, {"prices": [{"item": "白菜", "unit": "斤", "price": bad}]}, content_type="application/json")
        assert r.status_code == 400, bad
    assert c.post(url, {"prices": []}, content_type="application/json").status_code == 400
    assert api_client("outsider").post(url, {"prices": [{"item": "x", "unit": "斤", "price": 1}]},
                                       content_type="application/json").status_code == 404
    assert api_client("street").post(url, {"prices": [{"item": "x", "unit": "斤", "price": 1}]},
                                     content_type="application/json").status_code == 403
    assert api_client("outsider").get("/api/v1/merchants").json() == [
        {"id": Merchant.objects.get(name="远方菜店").id, "name": "远方菜店", "kind": "vegetables"}]
    assert api_client("guard").get("/api/v1/merchants").status_code == 403
