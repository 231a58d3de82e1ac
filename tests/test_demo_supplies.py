"""The supplies demo, made through the real services on the root fixtures' places. Here rather than in
fangkong/demo/tests, whose package-wide demo would already hold these logins."""

from __future__ import annotations

import pytest

from fangkong.demo.supplies import load_supplies_demo
from fangkong.supplies import selectors
from fangkong.supplies.models import Donation, Movement, Stock

pytestmark = pytest.mark.django_db


def test_supplies_demo(places, personas):
    home, admin = places["home"], personas["admin"]
    load_supplies_demo(admin=admin, community=home)
    load_supplies_demo(admin=admin, community=home)  # a second load adds nothing
    low = [s.item.code for s in selectors.stock_list(actor=admin, community=home) if s.low]
    assert low == ["goggles"] and selectors.low_stock(community_ids=[home.id]) == 1
    assert Stock.objects.get(community=home, item__code="alcohol_75", place__kind="store").quantity == 44
    assert Donation.objects.filter(community=home).count() == 4
    assert Movement.objects.filter(community=home, reason="donation").count() == 3
    assert Donation.objects.filter(in_kind__contains="车库", public_thanks=False).exists()
    board = [d["name"] for d in selectors.thanks_board(community=home)]
    assert board == ["社区便民超市", "王大爷", "热心居民陈女士"]
    assert not Stock.objects.filter(quantity__lt=0).exists()
