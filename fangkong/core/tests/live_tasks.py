"""A task for tests/test_task_workers.py: each run appends one line to a file, so the test counts the runs."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def record_run(n: int, path: str) -> int:
    time.sleep(0.05)  # long enough for the other worker to look for work meanwhile
    with open(path, "a") as out:  # one short append per run: whole lines, whoever writes
        out.write(f"{n} {os.getpid()}\n")
    return n
