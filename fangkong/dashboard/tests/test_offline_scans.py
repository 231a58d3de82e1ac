"""An offline scan counts on the day and in the hour the device made it (`scanned_at`), not when it was
uploaded (`at`): made on D at 20:00, uploaded on D+1 at 09:00."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.dashboard import selectors
from fangkong.dashboard.tests.world import D, at
from fangkong.gates.models import Gate, Scan

pytestmark = pytest.mark.django_db


def _traffic(personas, day):
    (north,) = selectors.dashboard_get(actor=personas["office"], day=day).charts["gate_traffic"]["series"]
    return north


def test_an_offline_scan_counts_on_the_day_and_hour_it_was_made(places, personas):
    north = Gate.objects.create(community=places["home"], code="c1-north", name="北门")
    Scan.objects.create(community_id=north.community_id, gate=north, at=at(D + timedelta(days=1), 9),
                        scanned_at=at(D, 20), direction="in", decision="allow", reasons=[])

    made = _traffic(personas, D)
    assert made["in"][20] == 1 and made["total"] == 1
    uploaded = _traffic(personas, D + timedelta(days=1))
    assert uploaded["total"] == 0 and uploaded["in"][9] == 0
