"""Benchmark: the PDF of 500 pass cards (one part, MAX_CARDS_PER_PDF), as the office prints a bulk issue.

    .venv/bin/python bench/print_cards.py [--cards 500] [--repeat 3]

In a fresh SQLite data dir it issues `--cards` temporary passes, then times:
- the cards written in process (`pass_cards_pdf`): wall and CPU seconds, and the file's size;
- what the office waits for when it asks for them: the POST that starts a print job (django-tasks'
  database backend: the request only queues the job), then the job run as the worker runs it, with
  the progress updates it writes (the wall time from the click to the download link, less the
  worker's polling interval);
- for comparison, the former plain link (`print.pdf`), which writes the PDF inside the request.
CPU time moves far less than wall time with other load on a shared machine: both are printed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django(data_dir: str) -> None:
    os.environ["FANGKONG_DATA_DIR"] = data_dir
    os.environ["FANGKONG_TASKS"] = "database"
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def _timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _django(tmp)
        from django.test import Client
        from django.urls import reverse

        from fangkong.accounts.roles import Role
        from fangkong.accounts.services import user_create
        from fangkong.passes import tasks
        from fangkong.passes.models import Pass
        from fangkong.passes.printing import pass_cards_pdf
        from fangkong.passes.services import pass_issue_bulk
        from fangkong.registry.models import Person
        from fangkong.registry.services import places_ensure, tags_ensure

        tags_ensure()
        home = places_ensure(community_code="C1", community_name="一号社区", grids=1)
        office = user_create(username="office", password=secrets.token_urlsafe(16), role=Role.OFFICE_STAFF,
                             communities=[home])
        Person.objects.bulk_create([Person(community=home, grid=home.grids.get(), name=f"流动人员{i:03d}",
                                           category="floating", retain_until=date(2030, 1, 1))
                                    for i in range(args.cards)])
        pass_issue_bulk(actor=office, community=home, kind="temporary", valid_from=date(2020, 2, 1),
                        valid_until=date(2020, 2, 14), people=Person.objects.filter(community=home))
        passes = list(Pass.objects.select_related("person", "household", "community").order_by("number"))
        print(f"{len(passes)} cards, load average {os.getloadavg()[0]:.1f}")

        if os.environ.get("PROFILE"):
            import cProfile
            import pstats

            profile = str(Path(tmp) / "print_cards.prof")
            cProfile.runctx("pass_cards_pdf(passes)", globals(), locals(), profile)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            return 0
        walls, cpus = [], []
        for _ in range(args.repeat):
            wall, cpu, pdf = _timed(lambda: pass_cards_pdf(passes))
            walls.append(wall)
            cpus.append(cpu)
        print(f"pass_cards_pdf: {statistics.median(walls):.2f} s wall (median of {args.repeat}; "
              f"{min(walls):.2f}–{max(walls):.2f}), {statistics.median(cpus):.2f} s CPU, {len(pdf) / 1e6:.2f} MB")

        client = Client(HTTP_HOST="localhost")
        client.force_login(office)
        client.get(reverse("passes:pass_list"))  # a warm process: templates, URLs and translations loaded
        wall, cpu, response = _timed(lambda: client.post(reverse("passes:print_start") + "?part=1"))
        assert response.status_code == 302, response.content.decode()[:3000]
        job_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
        print(f"POST print/ (queues the job, answers with its progress page): {wall * 1000:.0f} ms wall, "
              f"{cpu * 1000:.0f} ms CPU, status {response.status_code}")
        wall, cpu, _out = _timed(lambda: client.get(reverse("passes:print_job", kwargs={"job_id": job_id}),
                                                    HTTP_HX_REQUEST="true"))
        print(f"one progress poll: {wall * 1000:.1f} ms wall")
        updates = []
        update = tasks._print_update

        def counting(job, **changes):
            updates.append(changes.get("done"))
            return update(job, **changes)

        tasks._print_update = counting
        wall, cpu, result = _timed(lambda: tasks.run_print.call(job_id, office.pk))
        tasks._print_update = update
        job = tasks.print_job_get(job_id)
        print(f"print job in the worker: {wall:.2f} s wall, {cpu:.2f} s CPU, {result}, "
              f"{sum(1 for d in updates if d)} progress updates, {job['size'] / 1e6:.2f} MB")
        wall, cpu, response = _timed(lambda: client.get(reverse("passes:print_job_file", kwargs={"job_id": job_id})))
        size = len(b"".join(response.streaming_content))
        print(f"download of the finished PDF: {wall * 1000:.0f} ms wall, {size / 1e6:.2f} MB")
        wall, cpu, response = _timed(lambda: client.get(reverse("passes:print_pdf") + "?part=1"))
        print(f"former plain link (print.pdf, written in the request): {wall:.2f} s wall, {cpu:.2f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
