"""A city's morning peak on one machine: gate scans from many communities while street offices read dashboards.

    .venv/bin/python bench/morning_peak.py [--database fk_city] [--data-dir /tmp/fk-city] [--servers 4]
        [--workers 2] [--in-flight 64] [--duration 90] [--communities 200] [--dashboards 4]
        [--replica-port 5433 | --no-replica] [--json bench/results/morning_peak.json]

Needs a database seeded by `bench/city_seed.py` (its data dir holds the data key and `city.json`) and wrk.
Starts `--servers` × `fangkong serve --workers N` on ports 9001… against the primary; when a hot standby
answers on `--replica-port` (H4's `./run test` keeps one, docs/replicas.md) they get
`DATABASE_REPLICA_URL` to it, so the dashboards read from the replica. Then, for `--duration` seconds:

- wrk (one process a server, `--in-flight` connections in all) posts `POST /api/v1/scans`, each a distinct
  pass going out with its holder's ID number and a temperature, spread over the gates of `--communities`
  communities taken evenly across the city (consecutive requests hit different communities);
- `--dashboards` street-office users poll `GET /api/v1/dashboard?street=…` round-robin over the servers;
- the primary's `pg_stat_replication` is sampled every 0.5 s (replay lag, in seconds and bytes).

Prints scans/s, scan latency p50/p99 (wrk's, the p99 the worst of the wrk processes), the decisions the
scans got (from the table), dashboard p50/p95, replica lag p99, WAL bytes per scan (`pg_current_wal_lsn()`
before and after, less the rate measured in the 10 s before with no load: the WAL is the whole cluster's;
and, exactly, the records of this database alone, read back with pg_waldump) and CPU seconds per scan
of the app servers and of the whole machine, the inputs of the sizing table in docs/operations.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import city_seed as cs  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def pass_file(layout: cs.Layout, communities: int, path: Path) -> int:
    """Lines `number,id_number,gate` for every pass of `communities` communities spread over the city,
    interleaved so that consecutive lines belong to different communities."""
    step = max(1, layout.communities // communities)
    chosen = list(range(0, layout.communities, step))[:communities]
    n = 0
    with path.open("w") as f:
        for k in range(layout.passes):
            for ci in chosen:
                f.write(f"{cs.pass_number(ci * layout.passes + k)},{cs.id_number_of_pass_holder(layout, ci, k)},"
                        f"{layout.gate_code(ci, k % layout.gates)}\n")
                n += 1
    return n


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its descendants."""
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        stats[int(entry)] = (int(fields[11]) + int(fields[12])) / TICK
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += stats.get(p, 0.0)
        todo += children.get(p, [])
    return total


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = v[3] + v[4]
    return (sum(v) - idle) / TICK, sum(v) / TICK


def wal_of_database(start: str, end: str, db_oid: int, wal_dir: str) -> tuple[int, int] | None:
    """(bytes, records) of the WAL records between two LSNs that touch the database `db_oid`, read with
    pg_waldump: the cluster's WAL also carries what other databases write meanwhile. Commit records name
    no relation and are left out (a few dozen bytes a transaction). None when pg_waldump cannot read it."""
    waldump = Path("/usr/lib/postgresql/15/bin/pg_waldump")
    if not waldump.exists() or not os.access(wal_dir, os.R_OK):
        return None
    proc = subprocess.run([str(waldump), "-p", wal_dir, "-s", start, "-e", end], capture_output=True, text=True,
                          check=False)
    marker = f"/{db_oid}/"
    total = records = 0
    for line in proc.stdout.splitlines():
        if marker in line and "len (rec/tot):" in line:
            total += int(line.split("len (rec/tot):", 1)[1].split(",", 1)[0].split("/")[1])
            records += 1
    return (total, records) if records else None


def wait_ready(port: int) -> None:
    for _ in range(180):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server on {port} did not start; see /tmp/morning_peak-{port}.log")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--database", default="fk_city")
    ap.add_argument("--data-dir", default="/tmp/fk-city")  # noqa: S108
    ap.add_argument("--servers", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--base-port", type=int, default=9001)
    ap.add_argument("--in-flight", type=int, default=64)
    ap.add_argument("--duration", type=int, default=90)
    ap.add_argument("--communities", type=int, default=200)
    ap.add_argument("--dashboards", type=int, default=4)
    ap.add_argument("--replica-port", type=int, default=5433)
    ap.add_argument("--no-replica", action="store_true")
    ap.add_argument("--json", default="")
    args = ap.parse_args()

    primary = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.update(DATABASE_URL=primary, FANGKONG_DATA_DIR=args.data_dir,
                      DJANGO_SETTINGS_MODULE="fangkong.settings")
    os.environ.pop("DATABASE_REPLICA_URL", None)
    city = json.loads((Path(args.data_dir) / "city.json").read_text())
    layout = cs.Layout(**city["layout"])

    import django
    import psycopg

    django.setup()
    from fangkong.accounts.models import User
    from fangkong.accounts.services import token_create

    replica_url = ""
    if not args.no_replica:
        try:
            with psycopg.connect(f"host=127.0.0.1 port={args.replica_port} user=postgres dbname={args.database}",
                                 connect_timeout=3) as r:
                if r.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                    replica_url = f"postgres://postgres@127.0.0.1:{args.replica_port}/{args.database}"
        except psycopg.OperationalError as e:
            print(f"no replica on port {args.replica_port} ({str(e).strip().splitlines()[0]}): dashboards read "
                  "the primary", flush=True)
    passes = Path(f"/tmp/morning_peak-{args.database}.txt")  # noqa: S108
    lines = pass_file(layout, args.communities, passes)
    streets = sorted({ci // layout.communities_per_street
                      for ci in range(0, layout.communities, max(1, layout.communities // args.communities))})
    street_tokens = [(f"S{s + 1:04d}", token_create(user=User.objects.get(username=f"street{s + 1}"),
                                                     name="morning-peak"))
                     for s in streets[:: max(1, len(streets) // max(1, args.dashboards))][:args.dashboards]]
    print(f"{lines:,} passes of {args.communities} communities; {args.servers} servers × {args.workers} workers; "
          f"replica: {replica_url or 'none'}", flush=True)

    ports = [args.base_port + i for i in range(args.servers)]
    env = dict(os.environ)
    if replica_url:
        env["DATABASE_REPLICA_URL"] = replica_url
    servers = [subprocess.Popen([str(ROOT / ".venv/bin/fangkong"), "serve", "--bind", f"127.0.0.1:{p}",
                                 "--workers", str(args.workers), "--data-dir", args.data_dir], env=env,
                                stdout=subprocess.DEVNULL, stderr=open(f"/tmp/morning_peak-{p}.log", "w"))  # noqa: S108
               for p in ports]
    db = psycopg.connect(primary.replace("postgres://", "postgresql://"), autocommit=True)
    try:
        for p in ports:
            wait_ready(p)
        per = max(1, args.in_flight // args.servers)

        def wrk(port: int, index: int, seconds: int, offset_base: int) -> subprocess.Popen:
            wenv = dict(os.environ, FK_TOKEN=city["token"], FK_PASSES=str(passes),
                        FK_OFFSET=str(offset_base + index), FK_STRIDE=str(args.servers))
            command = ["wrk", "-t1", f"-c{per}", f"-d{seconds}s", "--timeout", "10s",
                       "-s", str(ROOT / "bench/wrk/scan_city.lua"), f"http://127.0.0.1:{port}"]
            return subprocess.Popen(command, env=wenv, stdout=subprocess.PIPE, text=True)

        # Warm-up: every worker's caches and connection pools, with passes at the far end of the file.
        for w in [wrk(p, i, 5, lines // 2) for i, p in enumerate(ports)]:
            w.communicate()

        stop = threading.Event()
        dash_times: list[float] = []
        dash_status: dict[int, int] = {}
        lag_s: list[float] = []
        lag_bytes: list[float] = []

        def dashboards(i: int, street: str, token: str) -> None:
            k = i
            while not stop.is_set():
                url = f"http://127.0.0.1:{ports[k % len(ports)]}/api/v1/dashboard?street={street}"
                k += 1
                req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
                t = time.perf_counter()
                try:
                    with urllib.request.urlopen(req, timeout=30) as a:  # noqa: S310
                        a.read()
                        status = a.status
                except urllib.error.HTTPError as e:
                    status = e.code
                except OSError:
                    status = 0
                dash_times.append((time.perf_counter() - t) * 1000)
                dash_status[status] = dash_status.get(status, 0) + 1

        def lag() -> None:
            with psycopg.connect(primary.replace("postgres://", "postgresql://"), autocommit=True) as c:
                while not stop.is_set():
                    for secs, nbytes in c.execute(
                            "SELECT EXTRACT(EPOCH FROM COALESCE(replay_lag, '0'))::float8, "
                            "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 FROM pg_stat_replication"):
                        lag_s.append(secs)
                        lag_bytes.append(nbytes)
                    time.sleep(0.5)

        # WAL is the cluster's: what other databases write meanwhile is measured first and taken off.
        bg_lsn = db.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        time.sleep(10)
        bg_wal = db.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [bg_lsn]).fetchone()[0]
        bg_wal_per_s = float(bg_wal) / 10
        scan_before = db.execute("SELECT COALESCE(max(id), 0) FROM gates_scan").fetchone()[0]
        lsn_before = db.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        cpu_before = [tree_cpu(s.pid) for s in servers]
        busy0, total0 = machine_cpu()
        load0 = os.getloadavg()[0]
        threads = [threading.Thread(target=dashboards, args=(i, s, t), daemon=True)
                   for i, (s, t) in enumerate(street_tokens)]
        threads.append(threading.Thread(target=lag, daemon=True))
        started = time.monotonic()
        for t in threads:
            t.start()
        results = []
        for w in [wrk(p, i, args.duration, 0) for i, p in enumerate(ports)]:
            out = w.communicate()[0]
            results += [json.loads(line[7:]) for line in out.splitlines() if line.startswith("RESULT ")]
        elapsed = time.monotonic() - started
        stop.set()
        for t in threads:
            t.join(35)
        busy1, total1 = machine_cpu()
        cpu_after = [tree_cpu(s.pid) for s in servers]
        lsn_after = db.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        wal = db.execute("SELECT pg_wal_lsn_diff(%s, %s)", [lsn_after, lsn_before]).fetchone()[0]
        db_oid = db.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()[0]
        wal_dir = db.execute("SELECT current_setting('data_directory')").fetchone()[0] + "/pg_wal"
        own_wal = wal_of_database(str(lsn_before), str(lsn_after), db_oid, wal_dir)
        decisions = dict(db.execute("SELECT decision, count(*) FROM gates_scan WHERE id > %s GROUP BY decision",
                                    [scan_before]).fetchall())
        reasons = dict(db.execute("SELECT reasons::text, count(*) FROM gates_scan WHERE id > %s AND decision = 'deny' "
                                  "GROUP BY 1 ORDER BY 2 DESC LIMIT 5", [scan_before]).fetchall())
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            s.wait(30)
        db.close()

    requests = sum(r["requests"] for r in results)
    scans = sum(decisions.values())
    app_cpu = sum(cpu_after) - sum(cpu_before)
    summary = {
        "database": args.database, "people": layout.communities * layout.people, "servers": args.servers,
        "workers": args.workers, "in_flight": per * args.servers, "duration_s": round(elapsed, 1),
        "replica": bool(replica_url), "load_before": load0,
        "scans_per_s": round(sum(r["rps"] for r in results), 1), "requests": requests, "scans_written": scans,
        "scan_p50_ms": round(sum(r["p50_ms"] * r["requests"] for r in results) / max(1, requests), 1),
        "scan_p99_ms": max((r["p99_ms"] for r in results), default=float("nan")),
        "errors": sum(r["errors"] for r in results), "non2xx": sum(r["non2xx"] for r in results),
        "decisions": decisions, "deny_reasons": reasons,
        "dashboard_requests": len(dash_times), "dashboard_status": dash_status,
        "dashboard_p50_ms": round(pct(dash_times, 0.5), 1), "dashboard_p95_ms": round(pct(dash_times, 0.95), 1),
        "replica_lag_p99_s": round(pct(lag_s, 0.99), 3) if lag_s else None,
        "replica_lag_max_s": round(max(lag_s), 3) if lag_s else None,
        "replica_lag_p99_bytes": pct(lag_bytes, 0.99) if lag_bytes else None,
        "wal_bytes": int(wal), "background_wal_bytes_per_s": round(bg_wal_per_s),
        "wal_bytes_per_scan": round(max(0.0, float(wal) - bg_wal_per_s * elapsed) / max(1, scans)),
        "database_wal_bytes": own_wal[0] if own_wal else None,
        "database_wal_bytes_per_scan": round(own_wal[0] / max(1, scans)) if own_wal else None,
        "app_cpu_s": round(app_cpu, 1), "app_cpu_ms_per_request": round(1000 * app_cpu / max(1, requests), 2),
        "machine_busy_fraction": round((busy1 - busy0) / max(1e-9, total1 - total0), 3),
        "machine_cpu_ms_per_scan": round(1000 * (busy1 - busy0) / max(1, scans), 2),
    }
    print(json.dumps(summary, indent=1, ensure_ascii=False, default=float))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(summary, indent=1, ensure_ascii=False, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
