"""The supplies demo: a store with one item low, a gate's own stock, and the report's donations (30 bottles
of medical alcohol, tea and biscuits, boxes of instant noodles, a garage with water and power for the gate
team), some donors agreeing to be thanked by name. Made through the real services."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core.dates import local_today
from fangkong.registry.models import Community
from fangkong.supplies import services
from fangkong.supplies.catalogue import items_ensure
from fangkong.supplies.models import Item, Movement, Place


def load_supplies_demo(*, admin, community: Community) -> None:
    if Movement.objects.filter(community=community).exists():
        return  # loaded already
    items_ensure()
    item = {i.code: i for i in Item.objects.all()}
    today = local_today()

    def move(code: str, quantity: int, direction: str, reason: str, place: Place | None = None, note: str = ""):
        services.movement_record(actor=admin, community=community, item=item[code], quantity=quantity,
                                 direction=direction, reason=reason, place=place, note=note)

    # Allocations from the street and purchases: all above their thresholds but the goggles.
    for code, quantity in [("mask_n95", 400), ("mask_kn95", 600), ("mask_surgical", 2000), ("mask_disposable", 3000),
                           ("disinfectant_84", 60), ("thermometer", 12), ("protective_suit", 40), ("gloves", 500),
                           ("goggles", 12)]:
        move(code, quantity, "in", "allocation", note="街道调拨")
    move("alcohol_75", 24, "in", "purchase", note="社区采购")
    gate = services.place_create(actor=admin, community=community, name="北门卡口", kind=Place.Kind.GATE)
    move("mask_surgical", 200, "in", "allocation", place=gate, note="卡口备用")
    move("goggles", 8, "out", "gate", note="发放至北门卡口")  # 4 left: low (threshold 10)
    move("mask_surgical", 300, "out", "worker", note="网格员每日领用")
    move("disinfectant_84", 12, "out", "site", note="楼道消杀")
    move("gloves", 60, "out", "used", note="消杀作业用完")

    def donate(days_ago: int, kind: str, name: str, lines=(), in_kind: str = "", thanks: bool = True):
        services.donation_record(actor=admin, community=community, donor_kind=kind, donor_name=name,
                                 lines=[services.Line(item[c], q) for c, q in lines], in_kind=in_kind,
                                 public_thanks=thanks, day=today - timedelta(days=days_ago))

    donate(9, "person", "热心居民陈女士", [("alcohol_75", 30)])
    donate(7, "person", "王大爷", [("duty_food", 4)], in_kind="茶叶和饼干，慰问卡口值守人员")
    donate(6, "organisation", "社区便民超市", [("duty_food", 20)], in_kind="方便面二十箱")
    donate(5, "person", "一位居民", in_kind="车库一间，有水有电，供卡口值守人员休息使用", thanks=False)
    move("alcohol_75", 10, "out", "gate", place=None, note="发放至各卡口")
