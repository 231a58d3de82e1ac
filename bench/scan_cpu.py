"""CPU time per `POST /api/v1/scans` in-process: the WSGI application called in a loop, no HTTP server.

Figures that other load on the machine hardly moves (unlike wrk's throughput): the process's CPU time
per scan (Python: Django, Ninja, psycopg, the scan itself) and the wall time per scan, whose
difference is mostly the wait on PostgreSQL (round trips and the commit's fsync).

    .venv/bin/python bench/scan_cpu.py [--passes 20000] [--requests 2000] [--rounds 3] [--profile FILE]
        [--reseed] [--database fangkong_bench_cpu]

The first run seeds the database (bench/scan_seed.py) and keeps its data dir (keys) in
/tmp/fk-bench-cpu-<database>; later runs reuse both. The day's exit counts are emptied before each
round, so every request is a distinct temporary pass's first exit of the day, as in bench/scan_load.py.
With --profile, the last round runs under cProfile (timer: process CPU time) and the stats go to FILE.

CPU time still moves with other load on a shared VM (caches, steal). For figures it does not move,
--instructions runs this script twice under valgrind's callgrind, with 50 and 350 scans, and prints
the difference in executed instructions per scan (Python process only; about 3 minutes):

    .venv/bin/python bench/scan_cpu.py --instructions

Under valgrind a run takes minutes, so the per-process caches (token 10 s, scope and policy 30 s,
gates 60 s) would refill, and the database connection (DB_CONN_MAX_AGE, 60 s) reopen, as often as
the machine's load stretches the run: runs of the same code differed by up to 3 %. The runs of
--instructions are therefore steady (--steady): the caches keep what they hold and the connection
stays open for the whole run, so every scan after the warm-up takes the same path.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"


def seed(db: str, data_dir: Path, passes: int) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{db}"')
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"{PG}/{db}", "FANGKONG_DATA_DIR": str(data_dir)}
    token = subprocess.run([sys.executable, str(ROOT / "bench" / "scan_seed.py"), str(passes),
                            str(data_dir / "passes.csv")], env=env, check=True, text=True,
                           capture_output=True).stdout.strip().splitlines()[-1]
    (data_dir / "token").write_text(token)


def instructions(args) -> int:
    counts = {}
    for n in (50, 350):
        out = Path(tempfile.gettempdir()) / f"fk-bench-callgrind-{n}.out"
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
               "--database", args.database, "--requests", str(n), "--rounds", "1", "--steady"]
        proc = subprocess.run(cmd, env={**os.environ, "PYTHONHASHSEED": "0"}, text=True, capture_output=True)
        if proc.returncode != 0:
            print(proc.stderr[-2000:], file=sys.stderr)
            return 1
        counts[n] = int(next(ln.split()[-1] for ln in proc.stderr.splitlines() if "Collected :" in ln))
        out.unlink(missing_ok=True)
    per_scan = (counts[350] - counts[50]) / 300
    print(json.dumps({"instructions_per_scan": round(per_scan), "totals": counts}))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", default="fangkong_bench_cpu")
    ap.add_argument("--passes", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=2_000, help="scans per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reseed", action="store_true")
    ap.add_argument("--profile", help="write cProfile stats of the last round to this file")
    ap.add_argument("--instructions", action="store_true", help="instructions per scan, with callgrind")
    ap.add_argument("--steady", action="store_true",
                    help="caches never expire and the database connection stays open (as --instructions runs)")
    args = ap.parse_args()
    if args.instructions:
        return instructions(args)

    data_dir = Path(tempfile.gettempdir()) / f"fk-bench-cpu-{args.database}"
    if args.reseed or not (data_dir / "token").exists():
        print(f"seeding {args.passes} passes into {args.database}…", file=sys.stderr)
        seed(args.database, data_dir, args.passes)
    lines = (data_dir / "passes.csv").read_text().splitlines()
    if len(lines) < args.requests:
        raise SystemExit(f"{len(lines)} passes for {args.requests} requests a round: --reseed --passes N")
    token = (data_dir / "token").read_text().strip()

    os.environ.update(DATABASE_URL=f"{PG}/{args.database}", FANGKONG_DATA_DIR=str(data_dir),
                      ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="fangkong.settings")
    if args.steady:
        os.environ["DB_CONN_MAX_AGE"] = str(7 * 24 * 3600)
    sys.path.insert(0, str(ROOT))
    from fangkong.wsgi import application

    def environ(body: bytes) -> dict:
        return {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/scans", "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": f"Bearer {token}",
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }

    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def bodies(n: int) -> list[bytes]:
        with psycopg.connect(f"{PG}/{args.database}", autocommit=True) as c:
            c.execute("DELETE FROM passes_exitcount")  # every pass may go out once more today
        out = []
        for line in lines[:n]:
            number, idn = line.split(",")
            out.append(json.dumps({"gate": "bench-gate", "direction": "out", "code": number,
                                   "id_number": idn}).encode())
        return out

    backend: list[int] = []

    def backend_cpu() -> float:
        """CPU seconds of this connection's PostgreSQL backend process so far (same machine)."""
        if not backend:
            return 0.0
        fields = Path(f"/proc/{backend[0]}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def run(batch: list[bytes]) -> tuple[float, float, float, list[bytes]]:
        answers = []
        pg0, cpu0, wall0 = backend_cpu(), time.process_time(), time.perf_counter()
        for b in batch:
            answers.append(b"".join(application(environ(b), start_response)))
        return time.process_time() - cpu0, time.perf_counter() - wall0, backend_cpu() - pg0, answers

    run(bodies(200)[:200])  # warm-up: imports, caches, the database connection
    if args.steady:  # every cache exists now (the URLconf and the scan path are imported)
        from fangkong.core import localcache

        for cache in localcache._all:
            cache.seconds = float("inf")
    from django.db import connection

    with connection.cursor() as cur:  # the connection is kept (CONN_MAX_AGE), so is its backend
        cur.execute("SELECT pg_backend_pid()")
        backend.append(cur.fetchone()[0])
    results = []
    for r in range(args.rounds):
        batch = bodies(args.requests)
        if args.profile and r == args.rounds - 1:
            import cProfile

            prof = cProfile.Profile(time.process_time)  # CPU time: waits on the database do not count
            prof.enable()
            cpu, wall, pg, answers = run(batch)
            prof.disable()
            prof.dump_stats(args.profile)
        else:
            cpu, wall, pg, answers = run(batch)
        allowed = sum(1 for a in answers if b'"decision":"allow"' in a.replace(b" ", b""))
        results.append({"cpu_ms": 1000 * cpu / len(batch), "wall_ms": 1000 * wall / len(batch),
                        "pg_backend_cpu_ms": 1000 * pg / len(batch), "allowed": allowed, "n": len(batch)})
        print(f"round {r + 1}: CPU {results[-1]['cpu_ms']:.3f} ms/scan, wall {results[-1]['wall_ms']:.3f} ms/scan, "
              f"PostgreSQL backend CPU {results[-1]['pg_backend_cpu_ms']:.3f} ms/scan, allowed {allowed}/{len(batch)}",
              file=sys.stderr)
    best = min(results, key=lambda x: x["cpu_ms"])
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps({"best_cpu_ms": round(best["cpu_ms"], 3), "best_wall_ms": round(min(x["wall_ms"] for x in results),
                                                                                      3),
                      "statuses": statuses, "loadavg": load, "rounds": results}))
    return 0 if all(x["allowed"] == x["n"] for x in results) else 1


if __name__ == "__main__":
    sys.exit(main())
