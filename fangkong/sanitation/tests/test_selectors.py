"""The overdue rule (hours and days) and the day counts, checked against independent counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fangkong.sanitation.models import Area, Disinfection, Patrol
from fangkong.sanitation.selectors import areas_overdue, areas_with_state, sanitation_day_counts

pytestmark = pytest.mark.django_db


def _area(community, name, every, unit, created):
    return Area.objects.create(community=community, kind=Area.Kind.STAIRWELL, name=name, every=every,
                               unit=unit, created_at=created)


def _dis(area, at):
    return Disinfection.objects.create(area=area, community=area.community, at=at, agent="84消毒液",
                                       dilution="1:100")


def test_overdue_rule_hours_and_days(places):
    home = places["home"]
    now = timezone.now()
    hourly = _area(home, "lift", 4, Area.Unit.HOURS, now - timedelta(days=3))
    _dis(hourly, now - timedelta(hours=5))  # 4 h schedule, 5 h ago: overdue
    hourly_ok = _area(home, "stairs", 4, Area.Unit.HOURS, now - timedelta(days=3))
    _dis(hourly_ok, now - timedelta(hours=3))
    daily = _area(home, "bins", 2, Area.Unit.DAYS, now - timedelta(days=10))
    _dis(daily, now - timedelta(days=1, hours=20))  # 2 days, 44 h ago: on time
    never_new = _area(home, "gate", 1, Area.Unit.DAYS, now - timedelta(hours=2))  # never, but new
    never_old = _area(home, "square", 1, Area.Unit.DAYS, now - timedelta(days=2))  # never, created 2 days ago
    assert areas_overdue(community_ids=[home.id], at=now) == {home.id: 2}
    states = {a.id: a.overdue for a in areas_with_state(Area.objects.all(), at=now)}
    assert states == {hourly.id: True, hourly_ok.id: False, daily.id: False, never_new.id: False,
                      never_old.id: True}
    # Two days later the daily area is overdue too; a disinfection after `at` does not count at `at`.
    later = now + timedelta(days=1)
    assert areas_overdue(community_ids=[home.id], at=later)[home.id] == 5
    _dis(daily, now + timedelta(hours=1))
    assert areas_overdue(community_ids=[home.id], at=now) == {home.id: 2}


def test_day_counts_equal_independent_counts(places):
    home, neighbour, far = places["home"], places["neighbour"], places["far"]
    end = timezone.now()
    start = end - timedelta(days=1)
    for community, n in ((home, 3), (neighbour, 1)):
        area = _area(community, f"a{community.id}", 6, Area.Unit.HOURS, start - timedelta(days=5))
        for i in range(n):
            _dis(area, start + timedelta(hours=2 * i))  # inside the period
        _dis(area, start - timedelta(hours=1))  # before it
        _area(community, f"b{community.id}", 1, Area.Unit.DAYS, start - timedelta(days=5))  # never: overdue
    _dis(Area.objects.filter(community=home).first(), end)  # at `end`: outside [start, end)
    Patrol.objects.create(community=home, kind=Patrol.Kind.FIRE_WATCH, started_at=start + timedelta(hours=1))
    Patrol.objects.create(community=home, kind=Patrol.Kind.FIRE_WATCH, started_at=start - timedelta(hours=1))
    ids = [home.id, neighbour.id, far.id]
    counts = sanitation_day_counts(community_ids=ids, start=start, end=end)
    for cid in ids:
        expected_dis = Disinfection.objects.filter(community_id=cid, at__gte=start, at__lt=end).count()
        expected_pat = Patrol.objects.filter(community_id=cid, started_at__gte=start, started_at__lt=end).count()
        assert counts[cid]["disinfections"] == expected_dis
        assert counts[cid]["patrols"] == expected_pat
        assert counts[cid]["areas"] == Area.objects.filter(community_id=cid).count()
        expected_overdue = sum(
            1 for a in Area.objects.filter(community_id=cid)
            if (max((d.at for d in a.disinfections.all() if d.at <= end), default=a.created_at) + a.interval) < end)
        assert counts[cid]["overdue"] == expected_overdue
    assert counts[home.id]["disinfections"] == 3 and counts[home.id]["patrols"] == 1
    assert counts[far.id] == {"disinfections": 0, "areas": 0, "overdue": 0, "patrols": 0}
