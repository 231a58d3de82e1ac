"""Benchmark: the command post's dashboard (the desk's and the street office's home page) on PostgreSQL,
server side: a Django test Client GET of /dashboard/ for the district's day.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/dashboard.py \
        [--repeat 9] [--street-budget-ms 300] [--community-budget-ms 150]

Makes sure the district's day exists (bench/district_day.py: 50 communities × 4,000 people, 2,000,000
scans of 2020-02-06; idempotent), makes two users if missing — a street office of the first street
(10 communities) and a community leader of SEED0001 — and times their dashboard of that day (and the
API's figures) `--repeat` times after one warm-up request each. Prints the median and worst wall
milliseconds, the SQL queries of a request and the machine; exits 1 over budget (the issue's: street
< 300 ms, community < 150 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fk_bench")


def _user(username: str, role: str, **scope):
    from fangkong.accounts.models import User
    from fangkong.accounts.services import user_create

    return User.objects.filter(username=username).first() or user_create(
        username=username, password="bench-" + username, role=role, **scope)


def _time(client, url: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200, url  # warm-up: the policy cache, the templates
    ms = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return ms, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--street-budget-ms", type=float, default=300)
    parser.add_argument("--community-budget-ms", type=float, default=150)
    args = parser.parse_args()

    from daily_report import _machine
    from district_day import ensure_district_day

    district = ensure_district_day()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from fangkong.accounts.roles import Role
    from fangkong.registry.models import Community

    setup_test_environment()  # the test Client's host is allowed
    first = Community.objects.select_related("street").get(code="SEED0001")
    street_user = _user("bench-street", Role.STREET_OFFICE, streets=[first.street])
    leader = _user("bench-leader", Role.COMMUNITY_LEADER, communities=[first])
    day = district.day.isoformat()
    over = False
    print(f"dashboard of {day} ({district.scans:,} scans that day, {len(district.communities)} communities)")
    for label, user, budget in (("street office (10 communities)", street_user, args.street_budget_ms),
                                ("community leader (1 community)", leader, args.community_budget_ms)):
        client = Client()
        client.force_login(user)
        for what, url in (("page", f"/dashboard/?day={day}"), ("API", f"/api/v1/dashboard?date={day}")):
            if what == "API":
                from fangkong.accounts.services import token_create

                client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")
            ms, queries = _time(client, url, args.repeat)
            median = statistics.median(ms)
            flag = ""
            if what == "page" and median > budget:
                over, flag = True, f"  OVER BUDGET ({budget:.0f} ms)"
            print(f"  {label} {what}: median {median:.0f} ms, worst {max(ms):.0f} ms over {args.repeat} runs; "
                  f"{queries} SQL queries (budget {budget:.0f} ms){flag}")
    print(f"  machine: {_machine()}")
    if over:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
