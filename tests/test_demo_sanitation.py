"""The sanitation demo, made through the real services on the root fixtures' places."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fangkong.demo.sanitation import AREAS, OVERDUE, load_sanitation_demo
from fangkong.sanitation.models import Area, Disinfection, Patrol
from fangkong.sanitation.selectors import areas_overdue, areas_with_state

pytestmark = pytest.mark.django_db


def test_sanitation_demo(places, personas):
    home, admin = places["home"], personas["admin"]
    load_sanitation_demo(admin=admin, community=home)
    now = timezone.now()
    assert Area.objects.filter(community=home).count() == len(AREAS) == 8
    overdue = [a.name for a in areas_with_state(Area.objects.filter(community=home), at=now) if a.overdue]
    assert overdue == [OVERDUE]
    assert areas_overdue(community_ids=[home.id], at=now) == {home.id: 1}
    assert Disinfection.objects.filter(community=home).count() > 20
    assert not Disinfection.objects.filter(at__gt=now).exists()
    fire = Patrol.objects.get(community=home, kind=Patrol.Kind.FIRE_WATCH)
    assert fire.people_turned_back == 3 and fire.fire_risk and "严禁上山" in fire.findings
    assert Area.objects.get(community=home, name="1号楼电梯").last_agent == "75%酒精"
    load_sanitation_demo(admin=admin, community=home)  # twice: nothing doubled
    assert Area.objects.filter(community=home).count() == 8
