"""Demo passes, roster, scans and the incident of the report (a delivery man with a pass but no
ID card forced his way in at 辽阳东路门岗 and abused the guards; his pass was destroyed and he was
barred). Everything goes through the real services."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.demo.synthetic import ELSEWHERE, Generator
from fangkong.gates.models import Gate, Scan
from fangkong.gates.scanning import ScanRequest, scan_record
from fangkong.gates.services import incident_report, shift_add
from fangkong.passes.models import Ban, Pass
from fangkong.passes.services import pass_issue, pass_issue_bulk
from fangkong.registry.models import Community, Merchant, Person
from fangkong.registry.services import person_register
from fangkong.registry.validation import person_data_from
from fangkong.workgroup.models import Member


def load_gate_demo(*, admin: User, community: Community) -> None:
    today = timezone.localdate()
    start, end = today - timedelta(days=30), today + timedelta(days=60)
    floating = list(Person.objects.filter(community=community, category="floating"))
    residents = list(Person.objects.filter(community=community).exclude(category="floating"))
    pass_issue_bulk(actor=admin, community=community, kind="temporary", valid_from=start, valid_until=end,
                    people=floating)
    pass_issue_bulk(actor=admin, community=community, kind="resident", valid_from=start, valid_until=end,
                    people=residents)
    delivery = _delivery_staff(admin, community, start, end)
    _roster(admin, community, today)
    _scans(community, today, floating)
    guard = User.objects.get(username="guard1")
    offender = delivery[0]
    at = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(20, 40)))
    incident_report(
        actor=guard, gate_code="sjxz-liaoyang-east", kinds=["refused_check", "forced_entry", "abuse"],
        description="送水人员持蓝色出入证但未带身份证，拒不配合检查，强行闯入并辱骂门岗工作人员。当场收回并销毁通行证，禁止其再次进入。",
        pass_numbers=[offender.number], revoke=True, ban=True, at=at,
    )
    # The services stamp the revocation and the ban with the present time: they happened that evening.
    Pass.objects.filter(pk=offender.pk).update(revoked_at=at + timedelta(minutes=5))
    Ban.objects.filter(community=community, person=offender.person).update(created_at=at + timedelta(minutes=5))


def _delivery_staff(admin: User, community: Community, start, end) -> list[Pass]:
    gen = Generator(seed=99)
    passes = []
    for merchant in Merchant.objects.filter(community=community, kind=Merchant.Kind.WATER).order_by("id"):
        for _ in range(2):
            row = gen.person(county=gen.rng.choice(ELSEWHERE), min_age=22, max_age=50, sex="M")
            data = person_data_from({**row, "category": "floating", "workplace": merchant.name})
            person = person_register(actor=admin, data=data, community=community)
            passes.append(pass_issue(actor=admin, person=person, kind="service", valid_from=start, valid_until=end))
    return passes


def _roster(admin: User, community: Community, today) -> None:
    """Three 8-hour shifts a day at every gate for a week. Nobody is on two gates at once: the leaders take
    the gates of a shift in turn (six leaders, four gates), each guard keeps one gate, and the volunteer
    helps at the main gate in the day shift only."""
    leaders = list(Member.objects.filter(community=community, position__in=["secretary", "director", "committee"])
                   .order_by("order", "id"))
    guards = list(User.objects.filter(username__startswith="guard").order_by("username"))
    volunteers = list(User.objects.filter(role="volunteer").order_by("username"))
    gates = list(Gate.objects.filter(community=community).order_by("code"))
    slot = 0
    for day in range(7):
        d = today + timedelta(days=day)
        for hour in (0, 8, 16):
            starts = timezone.make_aware(datetime.combine(d, time(hour)))
            for k, gate in enumerate(gates):
                staff = [guards[k % len(guards)]] + (volunteers[:1] if k == 0 and hour == 8 else [])
                shift_add(actor=admin, gate=gate, starts_at=starts, ends_at=starts + timedelta(hours=8),
                          leader=leaders[(slot * len(gates) + k) % len(leaders)], staff=staff)
            slot += 1


def _scans(community: Community, today, floating: list[Person]) -> None:
    rng = random.Random(5)
    gates = list(Gate.objects.filter(community=community).exclude(kind="vehicle"))
    guards = list(User.objects.filter(username__startswith="guard").order_by("username"))
    passes = list(Pass.objects.filter(community=community, kind="temporary").select_related("person")[:120])
    for days_ago in (3, 2, 1):
        d = today - timedelta(days=days_ago)
        for i, p in enumerate(passes):
            gate, guard = gates[i % len(gates)], guards[i % len(guards)]
            out_at = timezone.make_aware(datetime.combine(d, time(7 + i % 4, rng.randrange(60))))
            back_at = out_at + timedelta(hours=9, minutes=rng.randrange(60))
            for direction, when in (("out", out_at), ("in", back_at)):
                temp = Decimal("37.4") if (i == 7 and direction == "in" and days_ago == 1) else Decimal(
                    f"36.{rng.randrange(2, 9)}")
                scan_record(actor=guard, req=ScanRequest(
                    gate=gate.code, direction=direction, code=p.number, id_number=p.person.id_number,
                    temperature=temp if direction == "in" else None, scanned_at=when,
                    client_id=f"demo-{d:%Y%m%d}-{p.number}-{direction}", device=f"gate-phone-{gate.code}"))
    # Recorded as they were scanned, online at the gate: the service stamps `at` with the present time.
    Scan.objects.filter(community=community, client_id__startswith="demo-").update(at=F("scanned_at"))
