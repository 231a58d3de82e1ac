"""The gate log puts an offline scan on the day the device made it (`scanned_at`), not the day it was
uploaded (`at`), and in the order the scans were made."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from fangkong.core.dates import local_today
from fangkong.gates.models import Scan
from fangkong.ledgers.sources import SPECS

pytestmark = pytest.mark.django_db


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_an_offline_scan_is_logged_on_the_day_it_was_made(gates, ctx):
    day = local_today() - timedelta(days=3)
    east = gates["east"]
    # Online at 21:00 on the day; offline at 20:00 on the day, uploaded at 09:00 the next morning.
    Scan.objects.create(community_id=east.community_id, gate=east, at=_at(day, 21), direction="in",
                        decision="allow", reasons=[])
    Scan.objects.create(community_id=east.community_id, gate=east, at=_at(day + timedelta(days=1), 9),
                        scanned_at=_at(day, 20), direction="out", decision="allow", reasons=[])
    spec = SPECS["gate_log"]

    on_the_day = ctx(date_from=day, date_to=day)
    rows = list(spec.rows(on_the_day))
    assert spec.count(on_the_day) == len(rows) == 2
    assert [r["direction"] for r in rows] == ["出", "进"]  # made at 20:00, then 21:00
    assert [r["at"].hour for r in rows] == [20, 21]  # the time column says when, not when uploaded

    next_day = ctx(date_from=day + timedelta(days=1), date_to=day + timedelta(days=1))
    assert spec.count(next_day) == 0 and list(spec.rows(next_day)) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server_side", [True, False], ids=["held cursor", "behind a transaction pooler"])
def test_the_gate_log_leaves_no_setting_on_the_connection(gates, ctx, monkeypatch, server_side):
    """The planner settings are SET LOCAL in the transaction that plans the cursor: between the rows (where the
    export's progress is written, and committed) and after them, the session has its own values again."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner settings")
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", not server_side)
    east = gates["east"]
    for hour in (8, 9):
        Scan.objects.create(community_id=east.community_id, gate=east, at=_at(local_today(), hour), direction="in",
                            decision="allow", reasons=[])

    def settings() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('cursor_tuple_fraction')")
            return cursor.fetchone()

    before = settings()
    rows = SPECS["gate_log"].rows(ctx())
    next(rows)
    assert settings() == before and not connection.in_atomic_block
    assert len(list(rows)) == 1
    assert settings() == before
