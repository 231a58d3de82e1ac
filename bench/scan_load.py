"""Load benchmark of POST /api/v1/scans served by `fangkong serve` (gunicorn, 2 gevent workers) on PostgreSQL.

Distinct temporary passes going out (each allowed once: the exit-quota path; 3 statements on
PostgreSQL, 2 once the device's token is remembered), at concurrency 1, 8 and 32 with wrk; the
PostgreSQL ceiling of the same statements with pgbench; and, when bench/pretix has been set up
(bench/pretix/README.md), the same load against pretix's check-in redeem endpoint in the same run,
with the ratio. Both servers are warmed up for 3 s
first, then take turns at each level (Fangkong, then pretix), so that both figures of a level come
from the same minute of a shared machine. For each level it also prints the servers' CPU per
answered request (gunicorn master and workers, user + system), which other load on a shared machine
moves far less than throughput.

    .venv/bin/python bench/scan_load.py [--passes 170000] [--duration 10] [--rounds 1] [--skip-pretix]
        [--worker-class gevent|sync|gthread] [--threads N]

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


def _pgbench(db_url: str, script: str, clients: int, duration: int, mode: str) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    out = sh(["pgbench", "-n", "-M", mode, "-c", str(clients), "-j", "2", "-T", str(duration), "-f", f.name,
              db_url]).stdout
    os.unlink(f.name)
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def _guard_id(db_url: str, token_hash: str) -> int:
    with psycopg.connect(db_url) as c:
        return c.execute("SELECT user_id FROM accounts_apitoken WHERE key_hash = %s", [token_hash]).fetchone()[0]


# Prints the statements the server sends, as the application builds them for the bench database.
_RENDER = """
import json
import django

django.setup()
from fangkong.accounts.services import _user_by_key
from fangkong.gates.scan_sql import OUTCOME_FIELDS, SCAN_FIELDS, statements

st = statements()
print(json.dumps({"token": _user_by_key()[0].sql, "pass": st.pass_by_id.sql, "record": st.claim_and_insert.sql,
                  "scan_fields": SCAN_FIELDS, "outcome_fields": OUTCOME_FIELDS}))
"""


def scan_statements(db_url: str) -> dict:
    """The token lookup (accounts/services.py), the pass SELECT and the claim-and-record
    (gates/scan_sql.py) as the server sends them, with their %s placeholders."""
    env = {**os.environ, "DATABASE_URL": db_url, "FANGKONG_DATA_DIR": tempfile.mkdtemp(prefix="fk-bench-sql-"),
           "DJANGO_SETTINGS_MODULE": "fangkong.settings", "PYTHONPATH": str(ROOT)}
    return json.loads(sh([sys.executable, "-c", _RENDER], env=env, cwd=ROOT).stdout.strip().splitlines()[-1])


def _bound(sql: str, values: list[str]) -> str:
    """`sql` with its %s, in order, replaced by pgbench variables or SQL literals."""
    parts = sql.split("%s")
    if len(parts) != len(values) + 1:
        raise ValueError(f"{len(parts) - 1} placeholders, {len(values)} values: {sql}")
    return "".join(part + value for part, value in zip(parts, [*values, ""], strict=True))


def pgbench_ceiling(db_url: str, token_hash: str, npasses: int, clients: int, duration: int,
                    with_token: bool = False, mode: str = "extended") -> float:
    """The statements a scan sends now, replayed by pgbench the way the server sends them: the extended
    protocol with parameters (server-side binding), each statement committed on its own (autocommit),
    values carried between them with \\gset as the application carries them in Python. The statements'
    text is the application's own (`scan_statements`). The pass is looked up by id rather than by number
    (both a unique index). A device's token is remembered for 10 s per server process, so a scan sends the
    pass SELECT and the record; `with_token` adds the token lookup, as the first scan of a device in a
    process sends it. Every exit fits in its quota (1,000,000 a day): the allowed path, as wrk drives it.
    `mode` is pgbench's -M: "extended" (each statement parsed and planned every time; the ~2,300 tx/s that
    the requirements quote) or "prepared", as the server sends them (core/db.py), the higher and stricter ceiling."""
    sql = scan_statements(db_url)
    if with_token:
        token = _bound(sql["token"], [f"'{token_hash}'", "true"]) + " \\gset tok_\n\\set guard :tok_id\n"
    else:
        token = f"\\set guard {_guard_id(db_url, token_hash)}\n"
    record = {"community": ":p_community_id", "gate": "1", "pass_ref": ":pid", "person": ":p_person_id",
              "guard": ":guard", "device": "''", "at": "now()", "scanned_at": "NULL", "direction": "'out'",
              "temperature": "NULL", "plate": "''", "client_id": "NULL",
              "device_decision": "''", "device_reasons": "'[]'"}
    allowed_or_refused = {"decision": ["'allow'", "'deny'"], "reasons": ["'[]'", "'[\"exit_quota_reached\"]'"],
                          "conflict": ["false", "false"]}
    values = [":pid", "'2030-01-01'", "1000000", *(record[n] for n in sql["scan_fields"]),
              *(v for n in sql["outcome_fields"] for v in allowed_or_refused[n])]
    script = (f"\\set pid random(1, {npasses})\n{token}"
              f"{_bound(sql['pass'], ['1', '1', ':pid'])} \\gset p_\n"
              f"{_bound(sql['record'], values)};\n")
    return _pgbench(db_url, script, clients, duration, mode)


def pgbench_ceiling_before(db_url: str, token_hash: str, npasses: int, clients: int, duration: int) -> float:
    """The ceiling as measured before 2026-11-29 07:00 (docs/performance.md), for comparison: the old
    scan transaction, BEGIN, token, pass, claim, INSERT, COMMIT, sent as literal SQL."""
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
    return _pgbench(db_url, script, clients, duration, "simple")


def tree_cpu(root_pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and all its descendants."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += int(stats[pid][11]) + int(stats[pid][12])
        todo.extend(children.get(pid, []))
    return total / os.sysconf("SC_CLK_TCK")


def settle(root_pid: int, seconds: float = 20) -> None:
    """Wait until a server has finished the requests still queued when wrk stopped (its CPU time stops
    growing), so that the next server's turn does not share the cores with them. pretix at 32
    connections keeps working for a second or two after wrk's last answer."""
    end, last = time.monotonic() + seconds, tree_cpu(root_pid)
    while time.monotonic() < end:
        time.sleep(0.3)
        now = tree_cpu(root_pid)
        if now - last < 0.02:
            return
        last = now


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


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


class Fangkong:
    """`fangkong serve --workers 2` on a freshly seeded database; one slice of distinct passes per run."""

    def __init__(self, args, runs: int) -> None:
        self.args = args
        self.db_url = recreate_db(DB)
        data_dir = Path(tempfile.mkdtemp(prefix="fk-bench-"))
        env = {**os.environ, "DATABASE_URL": self.db_url, "FANGKONG_DATA_DIR": str(data_dir),
               "ALLOWED_HOSTS": "127.0.0.1"}
        pass_file = data_dir / "passes.csv"
        print(f"seeding {args.passes} passes…", file=sys.stderr)
        self.token = sh([sys.executable, str(ROOT / "bench" / "scan_seed.py"), str(args.passes), str(pass_file)],
                        env=env).stdout.strip().splitlines()[-1]
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", args.port)) == 0:
                raise RuntimeError(f"port {args.port} is taken: a stale server would answer instead of this run's")
        self.server = subprocess.Popen(
            [sys.executable, "-m", "fangkong", "--data-dir", str(data_dir), "serve", "--workers", "2",
             "--threads", str(args.threads), "--worker-class", args.worker_class, "--bind", f"127.0.0.1:{args.port}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wenv = {"FK_TOKEN": self.token, "FK_PASSES": str(pass_file), "FK_GATE": "bench-gate"}
        self.slice = args.passes // (runs + 1)  # the last slice is the warm-up's
        self.runs = 0

    def warm_up(self) -> None:
        wait_port(self.args.port)
        wrk(f"http://127.0.0.1:{self.args.port}", ROOT / "bench/wrk/scan_fangkong.lua", 8, 3,
            {**self.wenv, "FK_OFFSET": str(self.args.passes - self.slice)})

    def level(self, c: int) -> dict:
        with psycopg.connect(self.db_url) as conn:
            before = conn.execute("SELECT count(*) FROM gates_scan").fetchone()[0]
        load, cpu0 = loadavg(), tree_cpu(self.server.pid)
        r = wrk(f"http://127.0.0.1:{self.args.port}", ROOT / "bench/wrk/scan_fangkong.lua", c, self.args.duration,
                {**self.wenv, "FK_OFFSET": str(self.slice * self.runs)})
        self.runs += 1
        r["server_cpu_ms_per_req"] = round(1000 * (tree_cpu(self.server.pid) - cpu0) / max(r["requests"], 1), 2)
        settle(self.server.pid)
        r["loadavg_before"] = load
        if r["requests"] > self.slice:
            print(f"WARNING: {r['requests']} requests for {self.slice} passes a run: some passes went out twice "
                  "(exit_quota_reached); use more --passes", file=sys.stderr)
        with psycopg.connect(self.db_url) as conn:
            r["allowed"], r["denied"] = conn.execute(
                "SELECT count(*) FILTER (WHERE decision='allow'), count(*) FILTER (WHERE decision='deny') "
                "FROM (SELECT decision FROM gates_scan ORDER BY id OFFSET %s) s", [before]).fetchone()
            r["reasons"] = dict(conn.execute(
                "SELECT reasons::text, count(*) FROM (SELECT reasons FROM gates_scan ORDER BY id OFFSET %s) s "
                "GROUP BY 1", [before]).fetchall())
        print(f"fangkong c={c}: {r}", file=sys.stderr)
        return r

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(10)

    def pgbench(self) -> dict:
        import hashlib

        token_hash = hashlib.sha256(self.token.encode()).hexdigest()
        a = self.args
        ceiling = {c: pgbench_ceiling(self.db_url, token_hash, a.passes, c, a.duration) for c in (8, 32)}
        prepared = {c: pgbench_ceiling(self.db_url, token_hash, a.passes, c, a.duration, mode="prepared")
                    for c in (8, 32)}
        cold = {c: pgbench_ceiling(self.db_url, token_hash, a.passes, c, a.duration, with_token=True)
                for c in (8, 32)}
        before = {c: pgbench_ceiling_before(self.db_url, token_hash, a.passes, c, a.duration) for c in (8, 32)}
        print(f"pgbench: {ceiling} tx/s (the statements sent now), {prepared} (prepared), {cold} (with the token "
              f"lookup), {before} (the former transaction)", file=sys.stderr)
        return {"now": ceiling, "now_prepared": prepared, "with_token_lookup": cold, "former_transaction": before}


class Pretix:
    """pretix's check-in redeem endpoint under the same wrk load (bench/pretix/README.md sets it up)."""

    serve = PRETIX / "serve.sh"
    script = ROOT / "bench" / "wrk" / "redeem_pretix.lua"
    offset_file = PRETIX / "data" / "offset"

    @classmethod
    def available(cls, args) -> bool:
        if args.skip_pretix or not (PRETIX / ".venv").exists() or not (PRETIX / "secrets.txt").exists():
            print("pretix not set up (bash bench/pretix/setup.sh): skipped", file=sys.stderr)
            return False
        return True

    def __init__(self, args) -> None:
        self.args = args
        self.offset = int(self.offset_file.read_text().strip()) if self.offset_file.exists() else 0
        sh(["bash", str(self.serve)])

    def _wrk(self, c: int, duration: int) -> dict:
        threads = 1 if c == 1 else 2
        out = sh(["wrk", f"-t{threads}", f"-c{c}", f"-d{duration}s", "--timeout", "30s", "-s", str(self.script),
                  "http://127.0.0.1:8001"],
                 env={**os.environ, "PRETIX_DIR": str(PRETIX), "PRETIX_OFFSET": str(self.offset),
                      "PRETIX_THREADS": str(threads)}).stdout
        line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
        r = json.loads(line[len("RESULT "):])
        self.offset = r["next_offset"]  # every request a ticket's first entry today
        self.offset_file.write_text(str(self.offset))
        return r

    def warm_up(self) -> None:
        wait_port(8001, 120)
        self.master = int((PRETIX / "data" / "gunicorn.pid").read_text())
        self._wrk(8, 3)  # as for Fangkong

    def level(self, c: int) -> dict:
        load, cpu0 = loadavg(), tree_cpu(self.master)
        r = self._wrk(c, self.args.duration)
        r["server_cpu_ms_per_req"] = round(1000 * (tree_cpu(self.master) - cpu0) / max(r["requests"], 1), 1)
        r["loadavg_before"] = load
        settle(self.master)
        print(f"pretix c={c}: {r}", file=sys.stderr)
        return r

    def stop(self) -> None:
        sh(["bash", str(self.serve), "stop"])


def median_run(runs: list[dict]) -> dict:
    """The run with the median throughput (all its figures from that one run), and every run's figures."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    return {**ordered[(len(ordered) - 1) // 2], "runs": [{k: r[k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms",
                                                                             "server_cpu_ms_per_req",
                                                                             "loadavg_before")} for r in runs]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passes", type=int, default=170_000,
                    help="with the residents and landlords beside them, under the import's 200,000 rows")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--port", type=int, default=8002)
    ap.add_argument("--skip-pretix", action="store_true")
    ap.add_argument("--threads", type=int, default=1, help="fangkong serve --threads (with --worker-class gthread)")
    ap.add_argument("--worker-class", default="gevent", choices=["sync", "gthread", "gevent"],
                    help="fangkong serve --worker-class (gevent: its default on PostgreSQL)")
    ap.add_argument("--rounds", type=int, default=1, help="repeat the levels; the median round is reported")
    args = ap.parse_args()
    for tool in ("wrk", "pgbench"):
        if not shutil.which(tool):
            print(f"{tool} is missing: apt-get install wrk postgresql-client", file=sys.stderr)
            return 2
    levels = [1, 8, 32]
    report = {"machine": machine(), "loadavg_at_start": loadavg(), "rounds": args.rounds, "fangkong": None,
              "pgbench_tps": None, "pretix": None}
    # Both servers stay up and take turns at each level, so that the two figures of a level are
    # measured within seconds of each other: on a shared machine the load moves from minute to minute.
    fk = Fangkong(args, runs=args.rounds * len(levels))
    px = None
    runs: dict[str, dict[int, list[dict]]] = {"fangkong": {c: [] for c in levels}, "pretix": {c: [] for c in levels}}
    try:
        fk.warm_up()
        if Pretix.available(args):
            px = Pretix(args)
            px.warm_up()
        for _round in range(args.rounds):
            for c in levels:
                runs["fangkong"][c].append(fk.level(c))
                if px is not None:
                    runs["pretix"][c].append(px.level(c))
    finally:
        fk.stop()
        if px is not None:
            px.stop()
    report["fangkong"] = {c: median_run(rs) for c, rs in runs["fangkong"].items()}
    report["pretix"] = {c: median_run(rs) for c, rs in runs["pretix"].items()} if px is not None else None
    report["pgbench_tps"] = fk.pgbench()
    report["loadavg_at_end"] = loadavg()
    print(json.dumps(report, indent=2, ensure_ascii=False))
    f = report["fangkong"]
    print(f"\nload average at start {report['loadavg_at_start']}, at end {report['loadavg_at_end']}; "
          f"{args.rounds} round(s), the median one shown")
    print("concurrency  fangkong rps   p50    p95    p99 ms  cpu ms/req   pretix rps  cpu ms/req   ratio")
    for c in levels:
        p = (report["pretix"] or {}).get(c, {})
        pr = p.get("rps")
        ratio = f"{f[c]['rps'] / pr:7.1f}x" if pr else "      —"
        print(f"{c:>11}  {f[c]['rps']:>12.0f}  {f[c]['p50_ms']:5.1f}  {f[c]['p95_ms']:5.1f}  {f[c]['p99_ms']:6.1f}"
              f"  {f[c]['server_cpu_ms_per_req']:10.2f}   {pr or 0:>10.1f}  {p.get('server_cpu_ms_per_req', 0):10.1f}"
              f"  {ratio}")
    for c, tps in report["pgbench_tps"]["now"].items():
        cold = report["pgbench_tps"]["with_token_lookup"][c]
        former = report["pgbench_tps"]["former_transaction"][c]
        prepared = report["pgbench_tps"]["now_prepared"][c]
        print(f"pgbench ceiling c={c}: {tps:.0f} tx/s for the statements sent now, fangkong at c={c} is "
              f"{100 * f[c]['rps'] / tps:.0f} % of it (prepared {prepared:.0f} tx/s: "
              f"{100 * f[c]['rps'] / prepared:.0f} %; with the token lookup {cold:.0f} tx/s: "
              f"{100 * f[c]['rps'] / cold:.0f} %; the former transaction {former:.0f} tx/s: "
              f"{100 * f[c]['rps'] / former:.0f} %)")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"scan_load-{datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(report, indent=2))
    return 0 if f[8]["p99_ms"] <= BUDGET_P99_MS_AT_8 else 1


if __name__ == "__main__":
    sys.exit(main())
