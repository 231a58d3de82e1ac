"""The shops demo, made through the real services on the root fixtures' places. Here rather than in
fangkong/demo/tests, whose package-wide demo already holds the community."""

from __future__ import annotations

import pytest

from fangkong.demo.shops import load_shops_demo
from fangkong.passes.models import Pass
from fangkong.registry.models import Merchant
from fangkong.shops.models import Inspection, MerchantStaff, PriceAlert
from fangkong.shops.selectors import price_alerts_open

pytestmark = pytest.mark.django_db


def test_shops_demo(places, personas):
    home, admin = places["home"], personas["admin"]
    for name in ["惠民蔬菜店", "孙家下庄生鲜超市", "邻里果蔬店"]:
        Merchant.objects.create(community=home, kind=Merchant.Kind.VEGETABLES, name=name)
    for name in ["崂山矿泉水配送站", "清源桶装水", "山泉送水服务部"]:
        Merchant.objects.create(community=home, kind=Merchant.Kind.WATER, name=name)

    load_shops_demo(admin=admin, community=home)

    days = sorted(set(Inspection.objects.filter(community=home).values_list("day", flat=True)))
    assert (days[-1] - days[0]).days == 14
    assert Inspection.objects.filter(community=home).count() == 3 * 8
    [alert] = PriceAlert.objects.filter(community=home)
    assert (alert.item, alert.merchant.name, alert.status) == ("西红柿", "惠民蔬菜店", "open")
    assert price_alerts_open(community_ids=[home.id]) == 1
    for water in Merchant.objects.filter(community=home, kind="water"):
        staff = list(MerchantStaff.objects.filter(merchant=water))
        assert len(staff) == 2
        for s in staff:
            assert Pass.objects.filter(person=s.person, kind="service", status="active").exists()
