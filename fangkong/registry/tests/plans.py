"""Helpers of the list-plan tests: rows inserted fast, the SQL a list runs, its PostgreSQL plan.

A plan test fills the table past the size where a sequential scan would be cheaper than an index for
PostgreSQL's planner (a few hundred rows), ANALYZEs it, runs the list through its real selector and
EXPLAINs every statement that reads a big table: none may scan it whole. A count is allowed to (it is
bounded by its LIMIT, which the test checks instead)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's; SQLite plans differently")


def insert_people(*, community_id: int, grid_id: int, household_id: int | None, n: int, prefix: str = "居民") -> None:
    """`n` people in one statement (the services would take minutes): names `prefix` + number."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_person (created_at, updated_at, name, sex, id_type, id_number_encrypted,"
            " id_number_masked, phone_encrypted, phone_masked, category, workplace, retain_until, community_id,"
            " grid_id, household_id, row_key)"
            " SELECT now(), now(), %s || i, '', 'resident_id', '', '', '', '',"
            " (ARRAY['registered','floating','tenant','unregistered'])[1 + i %% 4], '', DATE '2030-01-01',"
            " %s, %s, %s, gen_random_uuid() FROM generate_series(1, %s) AS i",
            [prefix, community_id, grid_id, household_id, n])


def insert_households(*, community_id: int, grid_id: int, building_id: int, n: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_household (created_at, updated_at, unit, room, address, building_id,"
            " community_id, grid_id) SELECT now(), now(), '', 'R' || i, '测试楼' || i || '室', %s, %s, %s"
            " FROM generate_series(1, %s) AS i", [building_id, community_id, grid_id, n])


def vacuum_analyze(*tables: str) -> None:
    """VACUUM (needs autocommit: a `transactional_db` test) sets the visibility map that index-only scans
    rely on, ANALYZE the statistics; autovacuum does both after a big insert."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def statements(fn) -> list[str]:
    """The SQL statements `fn()` runs (lists are lazy: it should build the page)."""
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def assert_no_full_scans(fn, tables: tuple[str, ...]) -> list[str]:
    """Every statement of `fn()` that reads one of `tables`: no `Seq Scan` on it unless it is a bounded
    count (`LIMIT` inside), and at least one statement reads one of them through an index. Returns the
    plans, for a test to check more."""
    plans = []
    for sql in statements(fn):
        if not sql.lstrip().upper().startswith("SELECT") or not any(f'"{t}"' in sql for t in tables):
            continue
        text = plan(sql)
        plans.append(text)
        for table in tables:
            if re.search(rf"Seq Scan on {table}\b", text):
                assert sql.startswith("SELECT COUNT(*) FROM (") and " LIMIT " in sql, f"{sql}\n{text}"
    assert any(re.search(r"Index (Only )?Scan|Bitmap Index Scan", p) for p in plans), plans
    return plans
