"""report_views: the roll-up the street page, the API and the Excel ledger read."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core.dates import local_today
from fangkong.reports.selectors import FIGURES, TYPED_FIELDS, report_views


def test_report_views_gives_a_draft_per_community_in_the_order_asked(places):
    day = local_today() - timedelta(days=1)
    views = report_views(communities=[places["neighbour"], places["home"]], day=day)
    assert [v.community.code for v in views] == ["C2", "C1"]
    for v in views:
        assert v.date == day and v.status == "draft" and v.version == 0
        assert set(v.figures) == {f.key for f in FIGURES}
        assert set(v.typed) == {f.key for f in TYPED_FIELDS}
        assert v.period_start < v.period_end <= v.deadline
        assert v.zero  # nothing happened: a zero report


def test_report_views_of_many_communities_costs_the_same_queries_as_of_one(places):
    day = local_today() - timedelta(days=1)
    report_views(communities=[places["home"]], day=day)  # warm the policy cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        report_views(communities=[places["home"]], day=day)
    report_views(communities=[places["home"], places["neighbour"], places["far"]], day=day)
    with CaptureQueriesContext(connection) as three:
        report_views(communities=[places["home"], places["neighbour"], places["far"]], day=day)
    assert len(three.captured_queries) == len(one.captured_queries)
