"""Demo of the shops app: the community's three vegetable shops with two weeks of inspections (one price
rise above the policy's percent, so one open price alert), and the three water suppliers with their
delivery men as staff holding service (blue) passes — all through the real services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.demo.synthetic import ELSEWHERE, Generator
from fangkong.passes.models import Pass
from fangkong.registry.models import Community, Merchant, Person
from fangkong.registry.services import person_register
from fangkong.registry.validation import person_data_from
from fangkong.shops.models import Category, Inspection, MerchantProfile
from fangkong.shops.services import (
    inspection_record,
    merchant_profile_save,
    merchant_staff_add,
    staff_pass_issue,
)

# item, unit, starting price; prices wobble within ±5 % so only the planned rise raises an alert.
_ITEMS = [("白菜", "斤", "1.20"), ("土豆", "斤", "1.50"), ("西红柿", "斤", "3.00"), ("鸡蛋", "斤", "5.50"),
          ("大米", "斤", "2.80")]
_WOBBLE = [Decimal(x) for x in ("1.00", "1.02", "0.98", "1.04", "1.01", "0.99", "1.03")]
_OWNERS = ["孙立华", "王秀英", "刘建国", "张海波", "李红梅", "赵志强"]


def _inspections(admin: User, shop: Merchant, n: int, today) -> None:
    for k, days_ago in enumerate(range(14, -1, -2)):  # every other day for two weeks
        prices = []
        for j, (item, unit, start) in enumerate(_ITEMS):
            factor = _WOBBLE[(k + j + n) % len(_WOBBLE)]
            if n == 0 and item == "西红柿" and days_ago == 2:
                factor = Decimal("1.25")  # the rise the office must look into
            prices.append({"item": item, "unit": unit, "price": (Decimal(start) * factor).quantize(Decimal("0.01"))})
        low = days_ago == 0 and n == 2
        inspection_record(
            actor=admin, merchant=shop, day=today - timedelta(days=days_ago), prices=prices,
            stock=Inspection.Stock.LOW if low else Inspection.Stock.ENOUGH, protection_ok=not (n == 1 and k == 2),
            findings="店员未规范佩戴口罩，已当场提醒" if (n == 1 and k == 2) else "",
        )


def _delivery_men(admin: User, water: Merchant, seed: int) -> list[Person]:
    """The delivery men the gates demo registered for this supplier (workplace = its name), else two new."""
    people = list(Person.objects.filter(community=water.community, workplace=water.name).order_by("id"))
    if people:
        return people
    gen = Generator(seed=700 + seed)
    for _ in range(2):
        row = gen.person(county=gen.rng.choice(ELSEWHERE), min_age=22, max_age=50, sex="M")
        data = person_data_from({**row, "category": "floating", "workplace": water.name})
        people.append(person_register(actor=admin, data=data, community=water.community))
    return people


def load_shops_demo(*, admin: User, community: Community) -> None:
    today = timezone.localdate()
    shops = list(Merchant.objects.filter(community=community, kind=Merchant.Kind.VEGETABLES).order_by("id")[:3])
    waters = list(Merchant.objects.filter(community=community, kind=Merchant.Kind.WATER).order_by("id")[:3])
    for n, shop in enumerate(shops):
        merchant_profile_save(actor=admin, merchant=shop, category=Category.VEGETABLES, owner_name=_OWNERS[n],
                              owner_phone=f"1390532{n:04d}", note="营业时间 7:00–19:00")
        _inspections(admin, shop, n, today)
    for n, water in enumerate(waters):
        merchant_profile_save(actor=admin, merchant=water, category=Category.WATER, owner_name=_OWNERS[3 + n],
                              owner_phone=f"1390533{n:04d}",
                              opening=MerchantProfile.Opening.LIMITED if n == 2 else MerchantProfile.Opening.OPEN)
        for person in _delivery_men(admin, water, n):
            staff = merchant_staff_add(actor=admin, merchant=water, person=person, role="送水员")
            if not Pass.objects.filter(person=person, kind=Pass.Kind.SERVICE).exists():
                staff_pass_issue(actor=admin, staff=staff, valid_from=today, valid_until=today + timedelta(days=30))
