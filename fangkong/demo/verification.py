"""Demo of a list pushed down for checking: the street office uploads this morning's list from the district
(most rows people registered in the demo community, two found by their address, three matching nowhere),
and the community has checked half of its rows. Everything goes through the real services."""

from __future__ import annotations

import csv
import tempfile
from itertools import cycle
from pathlib import Path

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core import crypto
from fangkong.demo.synthetic import ELSEWHERE, Generator
from fangkong.registry.models import Community, Household, Person
from fangkong.verification.models import VerificationRow
from fangkong.verification.services import verification_list_upload, verification_outcome_record

HEADERS = ["序号", "姓名", "身份证号码", "联系电话", "现住址", "信息来源", "批次"]
BY_ID = 15
BY_ADDRESS = 2
UNMATCHED = 3
# The outcomes of the checked half, in the order they were recorded.
OUTCOMES = ["confirmed", "confirmed", "not_here", "confirmed", "info_wrong", "outside_window", "confirmed", "missed"]


def load_verification_demo(*, admin: User, community: Community) -> None:
    street_office = User.objects.filter(username="street").first() or admin
    checker = User.objects.filter(username="office1").first() or admin
    today = timezone.localdate()
    gen = Generator(seed=2003)
    people = list(Person.objects.filter(community=community, purged_at__isnull=True, category="floating")
                  .order_by("id")[:BY_ID])
    if len(people) < BY_ID:  # a small community: anyone registered
        people = list(Person.objects.filter(community=community, purged_at__isnull=True).order_by("id")[:BY_ID])
    rows = [[str(i), p.name, p.id_number, p.phone, "", "区疫情防控指挥部大数据", ""] for i, p in enumerate(people, 1)]
    addresses = list(Household.objects.filter(community=community).order_by("-id")
                     .values_list("address", flat=True)[:BY_ADDRESS])
    for address in addresses:
        row = _stranger(gen)
        rows.append([str(len(rows) + 1), row["name"], row["id_number"], row["phone"], address, "上级下发", ""])
    for where in ["青岛市市南区香港中路", "青岛市李沧区九水路", "外省返青人员，地址不详"][:UNMATCHED]:
        row = _stranger(gen)
        rows.append([str(len(rows) + 1), row["name"], row["id_number"], row["phone"], where, "上级下发", ""])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows([HEADERS, *rows])
        upload = verification_list_upload(actor=street_office, street=community.street,
                                           batch=f"{today.month}月{today.day}日区指挥部下发第1批", path=path,
                                           filename="区指挥部下发核查名单.csv", via="demo")
    routed = list(VerificationRow.objects.filter(vlist=upload.vlist, community=community).order_by("number"))
    # Half of the community's rows checked; 漏排 only for someone registered (all rows by ID number are).
    for row, outcome in zip(routed[: len(routed) // 2], cycle(OUTCOMES), strict=False):
        if outcome == "missed" and row.person_id is None:
            outcome = "confirmed"
        verification_outcome_record(actor=checker, row=row, outcome=outcome,
                                    note="已电话联系本人" if outcome == "confirmed" else "", via="demo")


def _stranger(gen: Generator) -> dict[str, str]:
    """A person nobody registered: a valid ID number from elsewhere that the registry does not hold."""
    while True:
        row = gen.person(county=gen.rng.choice(ELSEWHERE), min_age=18, max_age=60)
        if not Person.objects.filter(id_number_hash=crypto.blind_index("id", row["id_number"])).exists():
            return row
