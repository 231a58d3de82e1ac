"""Several `fangkong worker` processes on one PostgreSQL database (docs/scaling-out.md): each task runs once.
django-tasks-db claims a task in a transaction that locks its row with SELECT … FOR UPDATE SKIP LOCKED and
marks it running before the commit, so a second worker skips the row instead of waiting for it or taking
it too. Skipped on SQLite, where one writer at a time makes the question moot."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter

import psycopg
import pytest

from fangkong.core.tests import live_servers as live

pytestmark = [pytest.mark.skipif(live.postgres_url() is None, reason="PostgreSQL only"), pytest.mark.postgres]

TASKS = 60
ENQUEUE = """
import sys
import django
django.setup()
from fangkong.core.tests.live_tasks import record_run
for n in range(int(sys.argv[1])):
    record_run.enqueue(n, sys.argv[2])
"""


def _statuses(database: str) -> Counter:
    with psycopg.connect(database) as conn:
        rows = conn.execute("SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status")
        return Counter(dict(rows.fetchall()))


def _wait_until_both_poll(database: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with psycopg.connect(database) as conn:
            names = {r[0] for r in conn.execute("SELECT application_name FROM pg_stat_activity WHERE datname = "
                                                  "current_database() AND application_name LIKE 'fk-worker-%'")}
        if len(names) == 2:
            return
        time.sleep(0.3)
    raise AssertionError("the workers did not connect")


def test_two_workers_run_each_task_once(tmp_path):
    runs = tmp_path / "runs.txt"
    with live.fresh_database("fk_workers") as database:
        env = live.base_env(DATABASE_URL=database, FANGKONG_DATA_DIR=str(tmp_path / "data"))
        live.fangkong(tmp_path / "data", "manage", "migrate", "--verbosity", "0", env=env, timeout=600)
        live.fangkong(tmp_path / "data", "manage", "createcachetable", env=env)
        workers = [subprocess.Popen([sys.executable, "-m", "fangkong", "--data-dir", str(tmp_path / "data"), "worker"],
                                    cwd=live.ROOT, env=env | {"PGAPPNAME": f"fk-worker-{i}"},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                   for i in range(2)]
        try:
            _wait_until_both_poll(database)  # so that both race for the tasks, not the first one started alone
            done = subprocess.run([sys.executable, "-c", ENQUEUE, str(TASKS), str(runs)], cwd=live.ROOT, env=env,
                                  capture_output=True, text=True, timeout=120, check=False)
            assert done.returncode == 0, done.stderr
            deadline = time.monotonic() + 120
            while _statuses(database).get("SUCCESSFUL", 0) < TASKS and time.monotonic() < deadline:
                time.sleep(0.5)
        finally:
            for w in workers:
                w.send_signal(signal.SIGTERM)
            for w in workers:
                try:
                    w.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    w.kill()
        assert _statuses(database) == Counter({"SUCCESSFUL": TASKS})
        with psycopg.connect(database) as conn:
            claims = [r[0] for r in conn.execute("SELECT worker_ids FROM django_tasks_database_dbtaskresult")]
    lines = [line.split() for line in runs.read_text().splitlines()]
    assert Counter(n for n, _ in lines) == Counter(str(n) for n in range(TASKS))  # each once, none twice
    assert all(len(ids) == 1 for ids in claims), claims  # claimed by one worker each
    assert len({pid for _, pid in lines}) == 2  # both workers took work: the test raced them
