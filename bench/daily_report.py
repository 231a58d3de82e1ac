"""Benchmark: the daily report of every community of a district for one day, as the street's roll-up
and the Excel ledger read it (`fangkong.reports.selectors.report_views`), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/daily_report.py \
        [--communities 50] [--people 4000] [--scans 2000000] [--repeat 3] [--budget-s 2]

Makes sure the district's day exists first (bench/district_day.py: 50 communities × 4,000 people and
2,000,000 gate scans of 2020-02-06, idempotent), then computes the live figures of all the
communities' reports of that day `--repeat` times, each with cold process caches (the policy in force
is read again), and prints the median and worst seconds, the number of SQL queries, a few of the sums
and the machine. Exits 1 when the median exceeds the budget (2 s: the issue's requirement).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fk_bench")


def _machine() -> str:
    cpus = os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()} · {model or platform.processor()} · {cpus} CPUs · load {load} · Python " \
           f"{platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--scans", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget-s", type=float, default=2.0)
    args = parser.parse_args()

    from district_day import ensure_district_day

    district = ensure_district_day(communities=args.communities, people=args.people, scans=args.scans)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fangkong.core.localcache import clear_all
    from fangkong.reports.selectors import report_views

    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        pg = cur.fetchone()[0].split(",")[0]
    seconds, queries, views = [], 0, []
    for _ in range(args.repeat):
        clear_all()  # the policy in force is read again, as in a fresh process
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            views = report_views(communities=district.communities, day=district.day)
            seconds.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    median = statistics.median(seconds)
    totals: dict[str, int] = {}
    for v in views:
        for key, value in v.figures.items():
            totals[key] = totals.get(key, 0) + value
    print(f"daily report of {len(views)} communities for {district.day} ({district.scans:,} scans that day)")
    print(f"  median {median:.3f} s, worst {max(seconds):.3f} s over {args.repeat} runs; {queries} SQL queries "
          f"a run (budget {args.budget_s:.1f} s)")
    for key in ("gate_checks_today", "gate_denials_today", "vehicles_checked_today", "screened_households_today",
                "screened_people_today", "home_observation_now", "centralised_observation_now",
                "fever_found_today", "key_area_returnees_total", "temporary_passes_total", "staff_on_duty"):
        print(f"  {key}: {totals.get(key, 0):,}")
    print(f"  machine: {_machine()}")
    print(f"  database: {pg}")
    if median > args.budget_s:
        print(f"OVER BUDGET: {median:.3f} s > {args.budget_s:.1f} s")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
