"""Synthetic residents for the demo, `fangkong seed` and the benchmarks: plausible, valid, not real.

Names are drawn from common surnames and given-name characters with a seeded generator, so no row
is a real person; ID numbers carry valid check digits and real county codes.

Dates are relative to the generator's `today` (the day the data is made): birth dates, so ages are what
the generator draws, and the dates people moved in. The random draws do not depend on `today`, so the
same seed gives the same people, only born and settled relative to another day.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from fangkong.core.identifiers import id_check_char
from fangkong.registry.importing import COLUMNS

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬建国建华志强海"
    "燕晓东春梅德胜宏伟文博子涵浩然欣怡梓萱雨泽思远嘉怡一鸣俊杰宇航"
)
LOCAL_COUNTY = "370212"  # 崂山区
ELSEWHERE = ["420102", "420106", "420111", "371302", "370725", "410102", "341202", "230102", "130102", "511002",
             "371102", "370283", "370681", "220102", "610102"]


class Generator:
    def __init__(self, seed: int = 2020, *, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.used_ids: set[str] = set()
        self.today = today or timezone.localdate()

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def id_number(self, *, county: str, birth: date, sex: str) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
            first17 = f"{county}{birth:%Y%m%d}{seq:03d}"
            number = first17 + id_check_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def birth(self, min_age: int, max_age: int) -> date:
        return self.today - timedelta(days=self.rng.randrange(min_age * 365, max_age * 365))

    def phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(0, 10**9):09d}"

    def person(self, *, county: str, min_age: int, max_age: int, sex: str | None = None) -> dict[str, str]:
        sex = sex or self.rng.choice("MF")
        birth = self.birth(min_age, max_age)
        return {"name": self.name(), "sex": "男" if sex == "M" else "女", "id_type": "身份证",
                "id_number": self.id_number(county=county, birth=birth, sex=sex),
                "phone": self.phone() if min_age >= 16 else ""}


def community_rows(
    *, gen: Generator, community_name: str, grids: int, households: int, residents: int,
    landlords: int = 0, tenants: int = 0,
) -> Iterator[dict[str, str]]:
    """Rows in the import template's columns: resident households, then landlords' rented rooms."""
    rng = gen.rng
    years = gen.today.year - 2020  # "since" dates were drawn for a demo in 2020: moved by whole years
    per_grid = max(1, households // grids)
    made = 0
    hh_index = 0
    landlord_ids: list[tuple[int, str]] = []
    tags = ["党员", "退役军人", "居民代表", "独居老人", "残疾人"]
    for hh_index in range(households):
        grid = min(grids, hh_index // per_grid + 1)
        building = f"{grid}-{hh_index % per_grid // 24 + 1}号楼"
        unit = f"{hh_index % 24 // 12 + 1}单元"
        room = f"{hh_index % 12 // 2 + 1}0{hh_index % 2 + 1}"
        remaining_hh = households - hh_index
        size = max(1, min(6, round((residents - made) / remaining_hh + rng.uniform(-1.2, 1.2))))
        if hh_index == households - 1:
            size = max(1, residents - made)
        elder_alone = size == 1 and rng.random() < 0.6
        for member in range(size):
            relation = "户主" if member == 0 else rng.choice(["配偶", "子女", "子女", "父母", "孙子女"])
            lo, hi = ((65, 90) if elder_alone else (25, 75)) if member == 0 else (1, 80)
            row = gen.person(county=LOCAL_COUNTY if rng.random() < 0.9 else rng.choice(ELSEWHERE),
                             min_age=lo, max_age=hi)
            row_tags = []
            if elder_alone:
                row_tags.append("独居老人")
            elif rng.random() < 0.06:
                row_tags.append(rng.choice(tags[:3] + tags[4:]))
            row.update({
                "grid": str(grid), "building": building, "unit": unit, "room": room,
                "address": f"{community_name}{building}{unit}{room}室", "relation": relation,
                "category": "户籍人口" if row["id_number"].startswith(LOCAL_COUNTY) else "人户分离",
                "tags": "、".join(row_tags),
                "since": f"{rng.randrange(1990, 2019) + years}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)}",
            })
            if (member == 0 and len(landlord_ids) < landlords and size >= 2 and not elder_alone
                    and rng.random() < 1.6 * landlords / households):
                landlord_ids.append((grid, row["id_number"]))
            made += 1
            yield row
    # Each landlord lets one self-built rental block (出租屋) to floating workers, as in the seed.
    for i in range(tenants):
        grid, landlord = landlord_ids[i % len(landlord_ids)]
        building = f"{grid}-出租屋{i % len(landlord_ids) + 1}"
        row = gen.person(county=rng.choice(ELSEWHERE), min_age=18, max_age=58)
        row.update({
            "grid": str(grid), "building": building, "unit": "", "room": f"{i // len(landlord_ids) // 2 + 1:02d}",
            "address": f"{community_name}{building}{i // len(landlord_ids) // 2 + 1:02d}间", "relation": "租户",
            "category": "流动人口",
            "workplace": rng.choice(["建筑工地", "物流公司", "餐饮店", "快递网点", "装修队", "工厂"]),
            "since": f"{2019 + years}-{rng.randrange(3, 13):02d}-01", "landlord_id_number": landlord, "tags": "",
        })
        yield row


def write_csv(rows, path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([c.header for c in COLUMNS])
        for r in rows:
            w.writerow([r.get(c.key, "") for c in COLUMNS])
    return path
