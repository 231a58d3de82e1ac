"""Benchmark: the screening and observation reads a community office opens all day, on the demo community.

    .venv/bin/python bench/screening.py [--repeat 20] [--budget-ms 1000]

Loads the demo community (孙家下庄社区: ~1,000 households, ~3,500 people, a round in progress, ~40
people under observation) into a fresh SQLite data dir, then times, in process and on a warm cache:
the round's coverage for the whole community (the office) and for one grid (a grid worker), one
door-to-door visit with two members checked, and the missed-follow-up sweep. Prints median and
worst milliseconds; exits 1 if a median exceeds the budget (--budget-ms, default 1,000 ms: the
coverage page must open in about a second on a phone).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django(data_dir: str) -> None:
    os.environ["FANGKONG_DATA_DIR"] = data_dir
    os.environ["FANGKONG_TASKS"] = "immediate"
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _time(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), max(runs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--budget-ms", type=float, default=1000.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _django(tmp)
        from django.db import transaction

        from fangkong.accounts.models import User
        from fangkong.demo.community import load_demo
        from fangkong.observation.services import missed_followups_sweep
        from fangkong.screening.models import Round
        from fangkong.screening.selectors import round_coverage
        from fangkong.screening.services import MemberCheck, visit_record

        t = time.perf_counter()
        load_demo()
        print(f"demo loaded in {time.perf_counter() - t:.1f} s")
        rnd = Round.objects.get(closed_at__isnull=True)
        office, grid4 = User.objects.get(username="office1"), User.objects.get(username="grid4")
        coverage = round_coverage(actor=office, rnd=rnd)
        households = [h for h in coverage.remaining_households]
        print(f"round: {coverage.total.households_total} households, {coverage.total.people_total} people, "
              f"{coverage.total.seen} seen, {coverage.total.remaining} remaining")

        def one_visit() -> None:
            from fangkong.registry.models import Household, Person

            with transaction.atomic():
                hh = Household.objects.get(pk=households[0].id)
                people = list(Person.objects.filter(household=hh)[:2])
                visit_record(actor=User.objects.get(username=f"grid{hh.grid.number}"), rnd=rnd, household=hh,
                             outcome="seen", checks=[MemberCheck(person_id=p.id, temperature="36.5") for p in people])
                transaction.set_rollback(True)  # the same door again next time

        rows = [
            ("coverage, whole community (office)", lambda: round_coverage(actor=office, rnd=rnd)),
            ("coverage, one grid (grid worker)", lambda: round_coverage(actor=grid4, rnd=rnd)),
            ("one visit, two members checked", one_visit),
            ("missed-follow-up sweep, whole demo", lambda: missed_followups_sweep()),
        ]
        failed = False
        print(f"{'operation':40} {'median ms':>10} {'worst ms':>10}")
        for name, fn in rows:
            median, worst = _time(fn, args.repeat)
            failed |= median > args.budget_ms
            print(f"{name:40} {median:10.1f} {worst:10.1f}")
        print(f"load average: {os.getloadavg()[0]:.2f}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
