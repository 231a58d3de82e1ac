"""Two first submissions of one report at once: exactly one becomes version 1, the other is refused
(already_submitted) — the row lock makes the second read the first's version.

Real threads with their own PostgreSQL connections, released together by a barrier."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from fangkong.core.dates import local_today
from fangkong.core.errors import Conflict
from fangkong.reports.models import DailyReport, DailyReportVersion
from fangkong.reports.services import daily_report_submit


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_submissions_make_one_version(places, personas):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    home, leader = places["home"], personas["leader"]
    day = local_today()
    n = 6
    barrier = threading.Barrier(n)
    versions: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=30)
            versions.append(daily_report_submit(actor=leader, community=home, day=day).version)
        except Conflict as exc:
            refused.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    assert versions == [1] and refused == ["already_submitted"] * (n - 1)
    assert DailyReportVersion.objects.count() == 1
    assert DailyReport.objects.get(community=home, date=day).version == 1


def test_the_submission_locks_the_report_row(places, personas):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        daily_report_submit(actor=personas["leader"], community=places["home"], day=local_today())
    locked = [q["sql"] for q in ctx.captured_queries if "reports_dailyreport" in q["sql"] and "FOR UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":
        assert locked, "the report row is read FOR UPDATE"
    else:
        assert not locked  # SQLite has no row locks; Django drops the clause
