"""The gates page lists the gates where the user is on duty first, then the scope's gates a page at a
time: a city's office holds thousands of gates, a page shows fifty."""

import re
from datetime import date, timedelta

from django.utils import timezone

from fangkong.gates.models import Gate, Shift
from fangkong.workgroup.models import Member, WorkingGroup


def _codes(html: str) -> list[str]:
    return re.findall(r'id="gate-([^"]+)"', html)


def test_the_gate_page_pages_the_scope_with_the_duty_gate_first(login, personas, places):
    home = places["home"]
    Gate.objects.bulk_create(Gate(community=home, code=f"g{i:03d}", name=f"门岗{i}") for i in range(60))
    Gate.objects.create(community=places["far"], code="far", name="外社区门岗")
    wg = WorkingGroup.objects.create(community=home, name="工作组", established=date(2026, 1, 1))
    leader = Member.objects.create(group=wg, community=home, name="赵书记", position="secretary")
    now = timezone.now()
    shift = Shift.objects.create(community=home, gate=Gate.objects.get(code="g055"), leader=leader,
                                 starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7))
    shift.staff.set([personas["guard"]])
    client = login("guard")
    first = client.get("/gate/").content.decode()
    second = client.get("/gate/?page=2").content.decode()
    assert _codes(first)[0] == "g055" and "you are on duty" in first
    assert len(_codes(first)) == 51 and len(_codes(second)) == 9  # the duty gate, then 50; the other 9
    assert sorted(_codes(first)[1:] + _codes(second)) == [f"g{i:03d}" for i in range(60) if i != 55]
    assert "Page 1 of 2 (59 in all)" in first
    assert "far" not in _codes(first) + _codes(second)  # another street's gate never shows
