"""Benchmark: the screening pages a grid worker and the office open, on the demo community.

    .venv/bin/python bench/screening_pages.py [--repeat 30] [--budget-ms 150]
        [--database-url postgres://postgres@127.0.0.1:5432/fk_screening_pages]

Loads the demo community (`fangkong demo`: ~1,000 households, ~3,500 people, the second round in
progress) into a fresh SQLite data dir, or into the PostgreSQL database of `--database-url` (dropped
and recreated), then requests each page through Django's test client, in process, signed in as the
demo's office1 (the whole community) or grid4 (one grid), on a warm cache: server time without the
network. Prints per page the median and worst milliseconds of `--repeat` requests, the median CPU time
of this process (on SQLite the database's work too; on PostgreSQL not the server's) and the number of
SQL queries; exits 1 if a median exceeds `--budget-ms` (150 ms). `--keep DIR` keeps the data dir (and
the PostgreSQL database) between runs, so that the demo is loaded once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def _recreate(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _django(data_dir: str, database_url: str | None, *, recreate: bool) -> None:
    os.environ["FANGKONG_DATA_DIR"] = data_dir
    os.environ["FANGKONG_TASKS"] = "immediate"
    if database_url:
        if recreate:
            _recreate(database_url)
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _time(fn, repeat: int) -> tuple[float, float, float, int]:
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # (request_started empties connection.queries)
        fn()  # warm: templates compiled, caches filled
    queries.clear()
    with connection.execute_wrapper(count):
        fn()
    runs, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return statistics.median(runs), max(runs), statistics.median(cpu), len(queries)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--budget-ms", type=float, default=150.0)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (dropped and recreated); SQLite if not given")
    parser.add_argument("--keep", metavar="DIR", default=None,
                        help="data dir kept between runs: the demo is loaded once (and the database not recreated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.keep or tmp
        loaded = bool(args.keep) and (Path(data_dir) / "demo-loaded").exists()
        _django(data_dir, args.database_url, recreate=not loaded)
        from django.db import connection, transaction
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from fangkong.accounts.models import User
        from fangkong.demo.community import load_demo
        from fangkong.screening.models import Round, Visit

        if not loaded:
            t = time.perf_counter()
            load_demo()
            print(f"demo loaded in {time.perf_counter() - t:.1f} s on {connection.vendor}")
            if args.keep:
                (Path(data_dir) / "demo-loaded").write_text(args.database_url or "sqlite")
        rnd = Round.objects.get(closed_at__isnull=True)
        office, grid4 = User.objects.get(username="office1"), User.objects.get(username="grid4")
        visited = set(Visit.objects.filter(round=rnd).values_list("household_id", flat=True))
        from fangkong.registry.models import Household

        door = (Household.objects.filter(grid__number=4, community=rnd.community, current_members__isnull=False)
                .exclude(id__in=visited).order_by("id").first())
        clients = {}
        for user in (office, grid4):
            c = Client(SERVER_NAME="localhost", HTTP_ACCEPT_LANGUAGE="zh-hans")
            c.force_login(user)
            clients[user.username] = c

        def get(who: str, url: str):
            def fn():
                r = clients[who].get(url)
                assert r.status_code in (200, 302), (url, r.status_code)
            return fn

        def post_visit():
            with transaction.atomic():
                r = clients["grid4"].post(reverse("screening:visit_record", args=[rnd.pk, door.pk]),
                                          {"outcome": "nobody_home"})
                assert r.status_code == 302, r.status_code
                transaction.set_rollback(True)  # the same door again next time

        detail = reverse("screening:round_detail", args=[rnd.pk])
        doors = reverse("screening:visit_start", args=[rnd.pk])
        pages = [
            ("today (grid worker: a redirect)", get("grid4", "/screening/today/")),
            ("round list (office)", get("office1", reverse("screening:round_list"))),
            ("round list (grid worker)", get("grid4", reverse("screening:round_list"))),
            ("round detail (office, community)", get("office1", detail)),
            ("round detail (grid worker)", get("grid4", detail)),
            ("door list (office, community)", get("office1", doors)),
            ("door list (grid worker)", get("grid4", doors)),
            ("visit form (grid worker)", get("grid4", reverse("screening:visit_record", args=[rnd.pk, door.pk]))),
            ("visit recorded (POST, rolled back)", post_visit),
            ("daily changes (office)", get("office1", reverse("screening:changes"))),
            ("daily changes (grid worker)", get("grid4", reverse("screening:changes"))),
        ]
        try:
            reverse("screening:today")
        except NoReverseMatch:  # measuring a version before the page
            pages = pages[1:]
        failed = False
        print(f"{'page':40} {'median ms':>10} {'worst ms':>10} {'CPU ms':>8} {'queries':>8}")
        for name, fn in pages:
            median, worst, cpu, queries = _time(fn, args.repeat)
            failed |= median > args.budget_ms
            print(f"{name:40} {median:10.1f} {worst:10.1f} {cpu:8.1f} {queries:8d}")
        print(f"load average: {os.getloadavg()[0]:.2f} (1 min)")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
