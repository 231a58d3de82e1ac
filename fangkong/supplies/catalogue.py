"""The supply items of the issue (code, Chinese name, unit, default low-stock threshold), seeded by the
data migration and by items_ensure() (tests that flush the database, the demo)."""

ITEMS = [
    ("mask_n95", "N95口罩", "只", 200),
    ("mask_kn95", "KN95口罩", "只", 200),
    ("mask_surgical", "医用外科口罩", "只", 500),
    ("mask_disposable", "一次性医用口罩", "只", 500),
    ("alcohol_75", "75%医用酒精", "瓶", 20),
    ("disinfectant_84", "84消毒液", "瓶", 20),
    ("thermometer", "体温计（额温枪）", "支", 5),
    ("protective_suit", "防护服", "套", 10),
    ("gloves", "手套", "副", 100),
    ("goggles", "护目镜", "副", 10),
    ("duty_food", "值守人员食品饮料", "箱", 5),
    ("other", "其他", "件", 0),
]


def items_ensure() -> None:
    from fangkong.supplies.models import Item

    for order, (code, name, unit, low) in enumerate(ITEMS):
        Item.objects.get_or_create(code=code, defaults={"name": name, "unit": unit, "default_low": low,
                                                        "order": order})
