"""Benchmark: `fangkong import people` of N synthetic people, timed end to end as a user would run it.

    .venv/bin/python bench/import_people.py [--people 50000] [--database-url postgres://…/fangkong]
        [--formats xlsx,csv] [--bench-db fangkong_import_bench]

For every database (SQLite in a fresh data dir, and PostgreSQL when --database-url or DATABASE_URL is
given: a dedicated database, `fangkong_import_bench` unless --bench-db names another, is created on that
server and dropped afterwards) and for every format (--formats: xlsx and csv by default; xls and ods are
converted from the xlsx by LibreOffice's `soffice`, which must be installed) the script starts from an
empty, migrated database with an administrator, the tags and one community of 6 grids, then times the
`fangkong import people FILE --community BENCH` subprocess (wall time, including Python and Django
start-up). Prints a table; exits 1 if any run fails or takes longer than the budget (--budget, 60 s).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
COMMUNITY = "BENCH"
BENCH_DB = "fangkong_import_bench"  # not fangkong_bench: bench/scan_load.py owns that one
FORMATS = ("xlsx", "xls", "ods", "csv")


def _django(data_dir: Path) -> None:
    os.environ["FANGKONG_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare() -> None:
    """Run in a child process (env carries FANGKONG_DATA_DIR / DATABASE_URL): empty database → ready."""
    _django(Path(os.environ["FANGKONG_DATA_DIR"]))
    from django.core.management import call_command

    from fangkong.accounts.roles import Role
    from fangkong.accounts.services import user_create
    from fangkong.registry.services import places_ensure, tags_ensure

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    tags_ensure()
    places_ensure(community_code=COMMUNITY, community_name="基准社区", grids=6)
    user_create(username="bench-admin", password="bench-admin-password", role=Role.ADMINISTRATOR)  # noqa: S106


def write_xlsx(rows, path: Path) -> Path:
    from openpyxl import Workbook

    from fangkong.registry.importing import COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人员")
    ws.append([c.header for c in COLUMNS])
    for r in rows:
        ws.append([r.get(c.key, "") for c in COLUMNS])
    wb.save(path)
    return path


def generate(people: int, folder: Path, workdir: Path, formats: list[str]) -> dict[str, Path]:
    """The same synthetic rows in each format: resident households plus ~14% tenants of landlords."""
    _django(workdir / "gen-data")  # only for imports; nothing touches a database here
    from fangkong.demo.synthetic import Generator, community_rows, write_csv

    tenants = people * 14 // 100
    residents = people - tenants
    rows = list(community_rows(gen=Generator(seed=2020), community_name="基准社区", grids=6,
                               households=max(1, residents // 4), residents=residents,
                               landlords=max(1, tenants // 4), tenants=tenants))
    assert len(rows) == people, len(rows)
    files = {"xlsx": write_xlsx(rows, folder / f"people-{people}.xlsx"),
             "csv": write_csv(rows, folder / f"people-{people}.csv")}
    for fmt in ("xls", "ods"):
        if fmt in formats:
            files[fmt] = convert(files["xlsx"], fmt, workdir)
    return files


def convert(xlsx: Path, fmt: str, workdir: Path) -> Path:
    """The xlsx saved by LibreOffice as `fmt`, beside it (an .xls holds at most 65,536 rows)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit(f"{fmt} needs LibreOffice's soffice (Debian: apt-get install libreoffice-calc)")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{workdir}/lo-profile",
                    "--convert-to", fmt, "--outdir", str(xlsx.parent), str(xlsx)], check=True, capture_output=True)
    return xlsx.with_suffix(f".{fmt}")


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def _bench_url(url: str, bench_db: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{bench_db}"))


def _pg_recreate(url: str, bench_db: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{bench_db}"')


def _pg_version(url: str) -> str:
    import psycopg

    with psycopg.connect(_admin_url(url)) as conn:
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


def run_one(*, backend: str, fmt: str, file: Path, workdir: Path, pg_url: str | None, bench_db: str) -> dict:
    data_dir = workdir / f"data-{backend}-{fmt}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FANGKONG_DATA_DIR")}
    env["FANGKONG_DATA_DIR"] = str(data_dir)
    if backend == "postgresql":
        _pg_recreate(pg_url, bench_db)
        env["DATABASE_URL"] = _bench_url(pg_url, bench_db)
    subprocess.run([sys.executable, __file__, "--prepare"], env=env, check=True, cwd=ROOT)
    cmd = [sys.executable, "-m", "fangkong", "--data-dir", str(data_dir), "import", "people", str(file),
           "--community", COMMUNITY]
    load = os.getloadavg()[0]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    ok = proc.returncode == 0
    if not ok:
        sys.stderr.write(proc.stderr[-3000:] + proc.stdout[-3000:])
    if backend == "postgresql":
        _pg_recreate(pg_url, bench_db, drop_only=True)
    shutil.rmtree(data_dir, ignore_errors=True)
    return {"backend": backend, "format": fmt, "seconds": seconds, "cpu": cpu, "load": load, "ok": ok,
            "result": (proc.stdout.strip().splitlines() or [""])[-1]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL server to benchmark on (the --bench-db database is created there)")
    parser.add_argument("--bench-db", default=BENCH_DB,
                        help=f"database created and dropped on that server (default {BENCH_DB})")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds allowed per import")
    parser.add_argument("--formats", default="xlsx,csv",
                        help=f"comma-separated, among {','.join(FORMATS)} (xls and ods need LibreOffice)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--keep-files", metavar="DIR", help="write the generated files to DIR and keep them")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare()
        return 0

    formats = args.formats.split(",")
    if not set(formats) <= set(FORMATS):
        parser.error(f"--formats: choose among {','.join(FORMATS)}")
    backends = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.database_url else [])
    if not backends:
        parser.error("nothing to run: --no-sqlite without --database-url")
    workdir = Path(tempfile.mkdtemp(prefix="fangkong-bench-"))
    try:
        files_dir = Path(args.keep_files) if args.keep_files else workdir
        files_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        files = generate(args.people, files_dir, workdir, formats)
        print(f"generated {args.people} synthetic people in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in files.values()), flush=True)
        import sqlite3

        versions = {"sqlite": f"SQLite {sqlite3.sqlite_version}"}
        if args.database_url:
            versions["postgresql"] = f"PostgreSQL {_pg_version(args.database_url)}"
        results = []
        for backend in backends:
            for fmt in formats:
                r = run_one(backend=backend, fmt=fmt, file=files[fmt], workdir=workdir, pg_url=args.database_url,
                            bench_db=args.bench_db)
                print(f"  {versions[backend]:<18} {fmt:<5} {r['seconds']:6.1f} s  {r['result']}", flush=True)
                results.append(r)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    # cpu: user+system seconds of the import process itself (the database server not counted);
    # load: 1-minute load average just before the run, to tell a busy machine from a slow import.
    print(f"\n{'database':<18} {'format':<6} {'people':>7} {'seconds':>8} {'people/s':>9} {'cpu s':>6} "
          f"{'load':>5}  budget {args.budget:g} s")
    failed = False
    for r in results:
        over = not r["ok"] or r["seconds"] > args.budget
        failed |= over
        verdict = "FAILED" if not r["ok"] else ("OVER" if over else "ok")
        print(f"{versions[r['backend']]:<18} {r['format']:<6} {args.people:>7} {r['seconds']:>8.1f} "
              f"{args.people / r['seconds']:>9.0f} {r['cpu']:>6.1f} {r['load']:>5.1f}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
