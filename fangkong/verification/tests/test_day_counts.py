"""The daily report's counts of pushed-down rows: received and checked within the period, totals so far,
and per outcome, each community on its own."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fangkong.verification.models import VerificationList, VerificationRow
from fangkong.verification.selectors import verification_day_counts

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 29, tzinfo=SHANGHAI)
END = START + timedelta(days=1)


def _row(vlist, number, *, community, received_at, outcome="", outcome_at=None):
    return VerificationRow.objects.create(
        vlist=vlist, street=vlist.street, number=number, received_at=received_at, community=community,
        name="某人", outcome=outcome, outcome_at=outcome_at)


@pytest.mark.django_db
def test_day_counts_per_community(places):
    home, neighbour = places["home"], places["neighbour"]
    vlist = VerificationList.objects.create(street=home.street, batch="B1", filename="b1.xlsx")
    before, inside, after = START - timedelta(hours=3), START + timedelta(hours=5), END + timedelta(hours=1)
    n = iter(range(1, 100))
    _row(vlist, next(n), community=home, received_at=before, outcome="confirmed", outcome_at=before)
    _row(vlist, next(n), community=home, received_at=before, outcome="missed", outcome_at=inside)
    _row(vlist, next(n), community=home, received_at=inside, outcome="not_here", outcome_at=inside)
    _row(vlist, next(n), community=home, received_at=inside)
    _row(vlist, next(n), community=home, received_at=inside, outcome="info_wrong", outcome_at=after)
    _row(vlist, next(n), community=home, received_at=after)
    _row(vlist, next(n), community=neighbour, received_at=inside, outcome="outside_window", outcome_at=inside)
    _row(vlist, next(n), community=None, received_at=inside)  # unmatched: nobody's

    counts = verification_day_counts(community_ids=[home.id, neighbour.id, places["far"].id], start=START, end=END)

    assert counts[home.id] == {"received": 3, "checked": 2, "received_total": 5, "checked_total": 3,
                               "confirmed": 1, "info_wrong": 0, "missed": 1, "not_here": 1, "outside_window": 0}
    assert counts[neighbour.id]["received"] == 1
    assert counts[neighbour.id]["checked"] == 1
    assert counts[neighbour.id]["outside_window"] == 1
    assert set(counts[places["far"].id].values()) == {0}


@pytest.mark.django_db
def test_day_counts_is_one_query(places, django_assert_num_queries):
    with django_assert_num_queries(1):
        verification_day_counts(community_ids=[places["home"].id, places["far"].id], start=START, end=END)
