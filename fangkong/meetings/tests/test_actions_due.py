from datetime import date, timedelta

import pytest

from fangkong.meetings.models import ActionItem
from fangkong.meetings.selectors import actions_due

pytestmark = pytest.mark.django_db

DAY = date(2020, 2, 10)


def test_actions_due_counts_open_due_today_and_overdue_per_community(places):
    home, neighbour, far = places["home"], places["neighbour"], places["far"]

    def item(community, due, done=False):
        ActionItem.objects.create(community=community, text="x", due=due, done=done)

    item(home, DAY)
    item(home, DAY - timedelta(days=1))
    item(home, DAY - timedelta(days=3))
    item(home, DAY + timedelta(days=1))
    item(home, None)
    item(home, DAY - timedelta(days=1), done=True)  # done: not counted anywhere
    item(neighbour, DAY, done=True)
    item(far, DAY - timedelta(days=1))  # not asked for

    got = actions_due(community_ids=[home.id, neighbour.id], day=DAY)
    assert got == {home.id: {"open": 5, "due_today": 1, "overdue": 2},
                   neighbour.id: {"open": 0, "due_today": 0, "overdue": 0}}


def test_actions_due_is_one_query(places, django_assert_num_queries):
    with django_assert_num_queries(1):
        actions_due(community_ids=[places["home"].id, places["far"].id], day=DAY)
