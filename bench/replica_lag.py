"""How far a hot standby trails the primary under the gate-scan load (docs/replicas.md).

`fangkong serve` (gevent, 2 workers) on the primary takes POST /api/v1/scans from wrk (bench/scan_load.py's
script and seed: distinct temporary passes going out) while this process samples, every 100 ms:

- visibility lag: the primary's WAL flush position at time t, and the moment the standby has replayed up to
  it; the difference is how long a committed scan takes to be readable on the replica (what a dashboard on
  the replica misses). Polled every 2 ms, so the figure is exact to a few milliseconds;
- the primary's own `replay_lag` (pg_stat_replication), for comparison;
- the lag the router sees (fangkong/core/replica.py's probe query on the standby).

    .venv/bin/python bench/replica_lag.py [--passes 30000] [--duration 20] [--connections 8]
        [--replica postgres://postgres@127.0.0.1:5433] [--keep]
    .venv/bin/python bench/replica_lag.py --overhead   # what the middleware and router add to a scan, in-process

Needs wrk, a PostgreSQL on 127.0.0.1:5432 and a hot standby of it (`./run test` builds one on 5433). The
bench database is dropped at the end (--keep keeps it): the standby is rebuilt with pg_basebackup, which
copies the whole cluster.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from scan_load import PG, loadavg, machine, sh, wait_port, wrk  # noqa: E402

from fangkong.core.replica import LAG_SQL  # noqa: E402  (a plain string: no Django setup needed)

DB = "fangkong_bench_lag"


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    ms = [v * 1000 for v in values]
    return {"samples": len(ms), "p50_ms": percentile(ms, 0.5), "p99_ms": percentile(ms, 0.99),
            "max_ms": max(ms) if ms else None, "mean_ms": statistics.fmean(ms) if ms else None}


class Sampler(threading.Thread):
    """Every `period` s: the primary's flush LSN; the moment the standby's replay passes it closes the sample."""

    def __init__(self, primary_url: str, replica_url: str, period: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.primary = psycopg.connect(primary_url, autocommit=True)
        self.replica = psycopg.connect(replica_url, autocommit=True)
        self.period = period
        self.stop_at: float | None = None
        self.done = threading.Event()
        self.visibility: list[float] = []
        self.replay_lag: list[float] = []
        self.router_lag: list[float] = []
        self.unresolved = 0

    def run(self) -> None:
        pending: list[tuple[float, str]] = []
        next_sample = time.monotonic()
        while True:
            now = time.monotonic()
            if self.stop_at is not None and now >= self.stop_at and not pending:
                break
            if self.stop_at is not None and now >= self.stop_at + 10:  # never replayed within 10 s
                self.unresolved = len(pending)
                break
            if (self.stop_at is None or now < self.stop_at) and now >= next_sample:
                next_sample += self.period
                lsn, replay_lag = self.primary.execute(
                    "SELECT pg_current_wal_flush_lsn()::text, "
                    "(SELECT EXTRACT(EPOCH FROM replay_lag) FROM pg_stat_replication LIMIT 1)").fetchone()
                pending.append((time.monotonic(), lsn))
                if replay_lag is not None:
                    self.replay_lag.append(float(replay_lag))
                self.router_lag.append(float(self.replica.execute(LAG_SQL).fetchone()[1] or 0))
            if pending:
                # The standby's replay position against every open sample's LSN, in one round trip.
                passed = self.replica.execute(
                    "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), x::pg_lsn) >= 0 FROM unnest(%s::text[]) x",
                    [[lsn for _, lsn in pending]]).fetchall()
                seen = time.monotonic()
                still = []
                for (t0, lsn), (ok,) in zip(pending, passed, strict=True):
                    if ok:
                        self.visibility.append(seen - t0)
                    else:
                        still.append((t0, lsn))
                pending = still
            time.sleep(0.002)
        self.done.set()


def seed(db_url: str, passes: int, data_dir: Path) -> tuple[str, Path]:
    env = {**os.environ, "DATABASE_URL": db_url, "FANGKONG_DATA_DIR": str(data_dir), "ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DATABASE_REPLICA_URL", None)
    pass_file = data_dir / "passes.csv"
    token = sh([sys.executable, str(ROOT / "bench" / "scan_seed.py"), str(passes), str(pass_file)],
               env=env).stdout.strip().splitlines()[-1]
    return token, pass_file


def wait_on_standby(replica_base: str, db: str, primary_url: str, seconds: float = 120) -> None:
    """Until the bench database exists on the standby and has caught up with the seed."""
    with psycopg.connect(primary_url, autocommit=True) as p:
        lsn = p.execute("SELECT pg_current_wal_flush_lsn()::text").fetchone()[0]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with psycopg.connect(f"{replica_base}/{db}", autocommit=True, connect_timeout=2) as r:
                if r.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [lsn]).fetchone()[0]:
                    return
        except psycopg.OperationalError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the standby did not catch up with the seed")


def overhead(n: int = 200_000) -> dict:
    """What the replica's middleware and router add to a gate scan, in-process: POST /api/v1/scans through
    the middleware (its method test, the view, the path test) and its process_view, and a router call, each
    against the same call without them. Needs no server and no database."""
    import timeit

    os.environ.setdefault("DATABASE_URL", f"{PG}/{DB}")
    os.environ["DATABASE_REPLICA_URL"] = "postgres://postgres@127.0.0.1:5433/" + DB
    os.environ.setdefault("FANGKONG_DATA_DIR", tempfile.mkdtemp(prefix="fk-bench-lag-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    from django.db import router
    from django.http import HttpResponse
    from django.test import RequestFactory

    from fangkong.core.replica import ReplicaReadsMiddleware
    from fangkong.gates.models import Scan

    request = RequestFactory().post("/api/v1/scans", data=b"{}", content_type="application/json")
    response = HttpResponse(status=200)

    def view(r):
        return response

    mw = ReplicaReadsMiddleware(view)

    def per_call(fn) -> float:
        return min(timeit.repeat(fn, number=n, repeat=5)) / n * 1e9

    bare, through = per_call(lambda: view(request)), per_call(lambda: mw(request))
    process_view = per_call(lambda: mw.process_view(request, view, (), {}))
    with_router = per_call(lambda: router.db_for_write(Scan))
    router.routers = []  # Django's ConnectionRouter without any router: what a scan pays without a replica
    without_router = per_call(lambda: router.db_for_write(Scan))
    return {"middleware_call_ns": round(through - bare), "process_view_ns": round(process_view),
            "router_call_ns": round(with_router - without_router)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--overhead", action="store_true",
                    help="only measure what the middleware and router add to a scan, in-process")
    ap.add_argument("--passes", type=int, default=30_000, help="more than the scans the run will make")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--port", type=int, default=8004)
    ap.add_argument("--replica", default="postgres://postgres@127.0.0.1:5433", help="the standby, without a database")
    ap.add_argument("--keep", action="store_true", help="keep the bench database")
    args = ap.parse_args()
    if args.overhead:
        print(json.dumps(overhead()))
        return 0
    try:
        with psycopg.connect(f"{args.replica}/postgres", connect_timeout=3) as r:
            if not r.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                print(f"{args.replica} is not a standby", file=sys.stderr)
                return 2
    except psycopg.OperationalError:
        print(f"no standby at {args.replica}: ./run test builds one on 5433 (its ensure_standby)", file=sys.stderr)
        return 2

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{DB}"')
    db_url = f"{PG}/{DB}"
    data_dir = Path(tempfile.mkdtemp(prefix="fk-bench-lag-"))
    server = None
    try:
        print(f"seeding {args.passes} passes…", file=sys.stderr)
        token, pass_file = seed(db_url, args.passes, data_dir)
        wait_on_standby(args.replica, DB, db_url)
        env = {**os.environ, "DATABASE_URL": db_url, "FANGKONG_DATA_DIR": str(data_dir), "ALLOWED_HOSTS": "127.0.0.1"}
        env.pop("DATABASE_REPLICA_URL", None)  # the scans write to the primary: no replica needed by the server
        server = subprocess.Popen(
            [sys.executable, "-m", "fangkong", "--data-dir", str(data_dir), "serve", "--workers", "2",
             "--worker-class", "gevent", "--bind", f"127.0.0.1:{args.port}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(args.port, 180)  # gunicorn and two gevent workers start slowly on a busy machine
        wenv = {"FK_TOKEN": token, "FK_PASSES": str(pass_file), "FK_GATE": "bench-gate"}
        url = f"http://127.0.0.1:{args.port}"
        wrk(url, ROOT / "bench/wrk/scan_fangkong.lua", 4, 2, {**wenv, "FK_OFFSET": str(args.passes - 2000)})

        time.sleep(3)  # the warm-up's queued scans finish: the idle sample sees no writes
        idle = Sampler(db_url, f"{args.replica}/{DB}")
        idle.start()
        time.sleep(2)
        idle.stop_at = time.monotonic()
        idle.done.wait(15)

        sampler = Sampler(db_url, f"{args.replica}/{DB}")
        load = loadavg()
        sampler.start()
        result = wrk(url, ROOT / "bench/wrk/scan_fangkong.lua", args.connections, args.duration,
                     {**wenv, "FK_OFFSET": "0"})
        sampler.stop_at = time.monotonic()
        sampler.done.wait(15)
    finally:
        if server is not None:
            server.terminate()  # fangkong serve stops its gunicorn on SIGTERM
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep:
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')

    report = {
        "machine": machine(), "loadavg_before": load, "connections": args.connections, "duration_s": args.duration,
        "scans_per_s": result["rps"], "scan_p99_ms": result.get("p99_ms"),
        "visibility_lag_under_load": summary(sampler.visibility),
        "visibility_lag_idle": summary(idle.visibility),
        "replay_lag_reported_by_primary": summary(sampler.replay_lag),
        "router_probe_lag": summary(sampler.router_lag),
        "samples_never_replayed": sampler.unresolved,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    v, i, r = report["visibility_lag_under_load"], report["visibility_lag_idle"], report["router_probe_lag"]
    print(f"\n{result['rps']:.0f} scans/s at {args.connections} connections for {args.duration} s "
          f"(load average before {load})")
    print(f"visibility lag under load: p50 {v['p50_ms']:.1f} ms, p99 {v['p99_ms']:.1f} ms, max {v['max_ms']:.1f} ms "
          f"({v['samples']} samples every 100 ms); idle p50 {i['p50_ms']:.1f} ms")
    print(f"lag as the router's probe sees it: p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.1f} ms "
          f"(FANGKONG_REPLICA_MAX_LAG_SECONDS defaults to 10 s)")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"replica_lag-{datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
