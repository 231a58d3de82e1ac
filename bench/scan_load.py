"""Load benchmark of POST /api/v1/scans served by `fangkong serve` (gunicorn, 2 workers) on PostgreSQL.

Distinct temporary passes going out (each allowed once: the exit-quota path, 6 statements), at
concurrency 1, 8 and 32 with wrk; the PostgreSQL ceiling of the same transaction with pgbench; and,
when bench/pretix has been set up (bench/pretix/README.md), the same load against pretix's
check-in redeem endpoint in the same run, with the ratio.

    .venv/bin/python bench/scan_load.py [--passes 120000] [--duration 10] [--skip-pretix]

Needs wrk and pgbench (Debian: apt-get install wrk postgresql-client) and a local PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"
DB = "fangkong_bench"
PRETIX = ROOT / "bench" / "pretix"
BUDGET_P99_MS_AT_8 = 25.0


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def wait_port(port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listening on {port}")


def wrk(url: str, script: Path, connections: int, duration: int, env: dict) -> dict:
    threads = 1 if connections == 1 else 2
    out = sh(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), url],
             env={**os.environ, **env, "FK_THREADS": str(threads)}).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def pgbench_ceiling(db_url: str, token_hash: str, npasses: int, clients: int, duration: int) -> float:
    """The scan's statements, replayed by pgbench inside one transaction each."""
    script = f"""\\set pid random(1, {npasses})
BEGIN;
SELECT t.id, t.user_id, u.role, u.is_active FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
  WHERE t.key_hash = '{token_hash}' AND t.revoked_at IS NULL AND u.is_active LIMIT 1;
SELECT p.*, per.id_number_hash, per.name,
  EXISTS(SELECT 1 FROM passes_pass_gates g WHERE g.pass_id = p.id),
  EXISTS(SELECT 1 FROM passes_pass_gates g WHERE g.pass_id = p.id AND g.gate_id = 1),
  EXISTS(SELECT 1 FROM passes_ban b WHERE b.community_id = p.community_id
         AND b.id_number_hash = per.id_number_hash AND b.lifted_at IS NULL)
  FROM passes_pass p JOIN registry_person per ON per.id = p.person_id WHERE p.id = :pid LIMIT 1;
INSERT INTO passes_exitcount (pass_id, day, exits) VALUES (:pid, DATE '2030-01-01', 1)
  ON CONFLICT (pass_id, day) DO UPDATE SET exits = passes_exitcount.exits + 1
  WHERE passes_exitcount.exits < 1000000 RETURNING exits;
INSERT INTO gates_scan (community_id, gate_id, pass_id, person_id, guard_id, device, at, direction, plate,
  decision, reasons, conflict) SELECT p.community_id, 1, p.id, p.person_id, NULL, '', now(), 'out', '', 'allow',
  '[]'::jsonb, false FROM passes_pass p WHERE p.id = :pid RETURNING id;
COMMIT;
"""  # noqa: S608 -- a pgbench script built from our own values
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    out = sh(["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(duration), "-f", f.name, db_url]).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def machine() -> dict:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    with psycopg.connect(f"{PG}/postgres") as c:
        pg = c.execute("SHOW server_version").fetchone()[0]
    return {"cpus": os.cpu_count(), "cpu": cpu, "mem_gib": round(int(mem) / 2**20, 1),
            "python": platform.python_version(), "postgres": pg, "date": datetime.now().isoformat(timespec="seconds")}


def recreate_db(name: str) -> str:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def run_fangkong(args, levels: list[int]) -> tuple[dict, dict]:
    db_url = recreate_db(DB)
    data_dir = Path(tempfile.mkdtemp(prefix="fk-bench-"))
    env = {**os.environ, "DATABASE_URL": db_url, "FANGKONG_DATA_DIR": str(data_dir), "ALLOWED_HOSTS": "127.0.0.1"}
    pass_file = data_dir / "passes.csv"
    print(f"seeding {args.passes} passes…", file=sys.stderr)
    token = sh([sys.executable, str(ROOT / "bench" / "scan_seed.py"), str(args.passes), str(pass_file)],
               env=env).stdout.strip().splitlines()[-1]
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", args.port)) == 0:
            raise RuntimeError(f"port {args.port} is taken: a stale server would answer instead of this run's")
    server = subprocess.Popen([sys.executable, "-m", "fangkong", "--data-dir", str(data_dir), "serve",
                               "--workers", "2", "--bind", f"127.0.0.1:{args.port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = {}
    try:
        wait_port(args.port)
        wenv = {"FK_TOKEN": token, "FK_PASSES": str(pass_file), "FK_GATE": "bench-gate"}
        slice_ = args.passes // (len(levels) + 1)
        wrk(f"http://127.0.0.1:{args.port}", ROOT / "bench/wrk/scan_fangkong.lua", 8, 3,
            {**wenv, "FK_OFFSET": str(slice_ * len(levels))})  # warm-up on the last slice
        for n, c in enumerate(levels):
            with psycopg.connect(db_url) as conn:
                before = conn.execute("SELECT count(*) FROM gates_scan").fetchone()[0]
            r = wrk(f"http://127.0.0.1:{args.port}", ROOT / "bench/wrk/scan_fangkong.lua", c, args.duration,
                    {**wenv, "FK_OFFSET": str(slice_ * n)})
            with psycopg.connect(db_url) as conn:
                r["allowed"], r["denied"] = conn.execute(
                    "SELECT count(*) FILTER (WHERE decision='allow'), count(*) FILTER (WHERE decision='deny') "
                    "FROM (SELECT decision FROM gates_scan ORDER BY id OFFSET %s) s", [before]).fetchone()
                r["reasons"] = dict(conn.execute(
                    "SELECT reasons::text, count(*) FROM (SELECT reasons FROM gates_scan ORDER BY id OFFSET %s) s "
                    "GROUP BY 1", [before]).fetchall())
            results[c] = r
            print(f"fangkong c={c}: {r}", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(10)
    import hashlib

    token_hash = hashlib.sha256(token.encode()).hexdigest()
    ceiling = {c: pgbench_ceiling(db_url, token_hash, args.passes, c, args.duration) for c in (8, 32)}
    return results, ceiling


def run_pretix(args, levels: list[int]) -> dict | None:
    """pretix's check-in redeem endpoint under the same wrk load (bench/pretix/README.md sets it up)."""
    serve = PRETIX / "serve.sh"
    script = ROOT / "bench" / "wrk" / "redeem_pretix.lua"
    if args.skip_pretix or not (PRETIX / ".venv").exists() or not (PRETIX / "secrets.txt").exists():
        print("pretix not set up (bash bench/pretix/setup.sh): skipped", file=sys.stderr)
        return None
    offset_file = PRETIX / "data" / "offset"
    offset = int(offset_file.read_text().strip()) if offset_file.exists() else 0
    sh(["bash", str(serve)])
    results = {}
    try:
        wait_port(8001, 120)
        for c in levels:
            threads = 1 if c == 1 else 2
            out = sh(["wrk", f"-t{threads}", f"-c{c}", f"-d{args.duration}s", "--timeout", "30s", "-s", str(script),
                      "http://127.0.0.1:8001"],
                     env={**os.environ, "PRETIX_DIR": str(PRETIX), "PRETIX_OFFSET": str(offset),
                          "PRETIX_THREADS": str(threads)}).stdout
            line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
            results[c] = json.loads(line[len("RESULT "):])
            offset = results[c]["next_offset"]  # every request a ticket's first entry today
            offset_file.write_text(str(offset))
            print(f"pretix c={c}: {results[c]}", file=sys.stderr)
    finally:
        sh(["bash", str(serve), "stop"])
    return results


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passes", type=int, default=120_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--port", type=int, default=8002)
    ap.add_argument("--skip-pretix", action="store_true")
    args = ap.parse_args()
    for tool in ("wrk", "pgbench"):
        if not shutil.which(tool):
            print(f"{tool} is missing: apt-get install wrk postgresql-client", file=sys.stderr)
            return 2
    levels = [1, 8, 32]
    report = {"machine": machine(), "fangkong": None, "pgbench_tps": None, "pretix": None}
    report["fangkong"], report["pgbench_tps"] = run_fangkong(args, levels)
    report["pretix"] = run_pretix(args, levels)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    f = report["fangkong"]
    print("\nconcurrency  fangkong rps   p50    p95    p99 ms   pretix rps   ratio")
    for c in levels:
        pr = (report["pretix"] or {}).get(c, {}).get("rps")
        ratio = f"{f[c]['rps'] / pr:7.1f}x" if pr else "      —"
        print(f"{c:>11}  {f[c]['rps']:>12.0f}  {f[c]['p50_ms']:5.1f}  {f[c]['p95_ms']:5.1f}  {f[c]['p99_ms']:6.1f}"
              f"   {pr or 0:>10.0f}  {ratio}")
    for c, tps in report["pgbench_tps"].items():
        print(f"pgbench ceiling c={c}: {tps:.0f} tx/s; fangkong at c={c} is {100 * f[c]['rps'] / tps:.0f} %")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"scan_load-{datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(report, indent=2))
    return 0 if f[8]["p99_ms"] <= BUDGET_P99_MS_AT_8 else 1


if __name__ == "__main__":
    sys.exit(main())
