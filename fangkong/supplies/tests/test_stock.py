"""Stock arithmetic: a ledger of movements, never negative, low flags by threshold."""

import pytest

from fangkong.core.errors import Conflict, FieldError, NotFound, PermissionDenied
from fangkong.supplies import selectors, services
from fangkong.supplies.models import Movement, Place, Stock, Threshold

pytestmark = pytest.mark.django_db


def test_in_and_out_keep_the_stock_and_the_ledger(places, personas, items):
    home, office = places["home"], personas["office"]
    m = services.movement_record(actor=office, community=home, item=items["alcohol_75"], quantity=30,
                                 direction="in", reason="purchase")
    assert m.stock_after == 30
    m = services.movement_record(actor=office, community=home, item=items["alcohol_75"], quantity=12,
                                 direction="out", reason="gate")
    assert m.stock_after == 18
    stock = Stock.objects.get(community=home, item=items["alcohol_75"])
    assert stock.quantity == 18 and stock.place.kind == Place.Kind.STORE
    assert list(Movement.objects.values_list("direction", "quantity", "stock_after", "by__username")) == [
        ("out", 12, 18, "office"), ("in", 30, 30, "office")]


def test_out_above_the_stock_is_refused_and_nothing_recorded(places, personas, items):
    home, office = places["home"], personas["office"]
    services.movement_record(actor=office, community=home, item=items["gloves"], quantity=5, direction="in",
                             reason="donation")
    with pytest.raises(Conflict) as refused:
        services.movement_record(actor=office, community=home, item=items["gloves"], quantity=6,
                                 direction="out", reason="used")
    assert refused.value.code == "insufficient_stock"
    assert Stock.objects.get(item=items["gloves"]).quantity == 5
    assert Movement.objects.count() == 1
    with pytest.raises(Conflict):  # never stocked: no row to take from
        services.movement_record(actor=office, community=home, item=items["goggles"], quantity=1,
                                 direction="out", reason="used")


def test_reason_must_fit_the_direction_and_quantity_positive(places, personas, items):
    home, office = places["home"], personas["office"]
    with pytest.raises(FieldError):
        services.movement_record(actor=office, community=home, item=items["gloves"], quantity=1, direction="in",
                                 reason="gate")
    with pytest.raises(FieldError):
        services.movement_record(actor=office, community=home, item=items["gloves"], quantity=0, direction="in",
                                 reason="purchase")


def test_places_are_separate_stocks(places, personas, items):
    home, office = places["home"], personas["office"]
    gate = services.place_create(actor=office, community=home, name="North gate", kind="gate")
    services.movement_record(actor=office, community=home, item=items["mask_n95"], quantity=10, direction="in",
                             reason="allocation", place=gate)
    with pytest.raises(Conflict):
        services.movement_record(actor=office, community=home, item=items["mask_n95"], quantity=1,
                                 direction="out", reason="worker")  # the store holds none
    rows = {(s.place.name, s.quantity) for s in selectors.stock_list(actor=office, community=home)}
    assert rows == {("North gate", 10)}


def test_low_flag_by_threshold_and_dashboard_count(places, personas, items):
    home, office = places["home"], personas["office"]
    services.movement_record(actor=office, community=home, item=items["alcohol_75"], quantity=20, direction="in",
                             reason="purchase")  # default threshold 20: at it is low
    services.movement_record(actor=office, community=home, item=items["gloves"], quantity=500, direction="in",
                             reason="purchase")
    flags = {s.item.code: s.low for s in selectors.stock_list(actor=office, community=home)}
    assert flags == {"alcohol_75": True, "gloves": False}
    assert selectors.low_stock(community_ids=[home.id]) == 1
    Threshold.objects.create(community=home, item=items["alcohol_75"], low=5)  # the community's own threshold
    assert selectors.low_stock(community_ids=[home.id]) == 0
    assert selectors.low_stock(community_ids=[places["far"].id]) == 0


def test_scope_and_permissions(places, personas, items):
    home = places["home"]
    with pytest.raises(NotFound):
        services.movement_record(actor=personas["outsider"], community=home, item=items["gloves"], quantity=1,
                                 direction="in", reason="purchase")
    with pytest.raises(PermissionDenied):
        services.movement_record(actor=personas["guard"], community=home, item=items["gloves"], quantity=1,
                                 direction="in", reason="purchase")
    with pytest.raises(NotFound):
        selectors.stock_list(actor=personas["outsider"], community=home)
    assert list(selectors.stock_list(actor=personas["street"], community=home)) == []
