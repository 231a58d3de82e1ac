"""Every list endpoint and list page at city scale: p50/p95 for one user, then for 16 at once.

    .venv/bin/python bench/city_lists.py [--database fk_district --data-dir /tmp/fk-district]
        [--database fk_city --data-dir /tmp/fk-city] [--port 9100] [--workers 2] [--repeat 40]
        [--concurrency 1,16] [--json bench/results/city_lists.json]

For each (database, data dir) pair seeded by `bench/city_seed.py` (the data dir holds its data key and
`city.json` with the administrator's API token): starts `fangkong serve --workers 2` on it, logs in as
the administrator for the pages (a `sessionid`), and times every URL of `bench/list_endpoints.py`'s
`targets()` (people, households with deep offsets, `q=王`, cursors, passes, scans, observations, alerts,
returnee reports, audit log) plus the ones below (a round's visits, returnee and gate pages), each
`--repeat` times after a warm-up, at every `--concurrency`. The budgets of the city benchmark: p95 ≤ 100 ms
at 200,000 people and ≤ 150 ms at 4,000,000; rows over budget are flagged and the exit status is 1.
The requests run in threads of this process: at 16 the client's own CPU share is part of the figure
(the machine has 2 cores for client, servers and PostgreSQL alike). Each row also gives the machine's CPU
time per request (`cpu ms`, from /proc/stat over the timed requests) and the cores at which that many
requests in flight would be served within the budget on average (`cores`, Little's law): with 16 in flight
on 2 cores, a request waits for the work of about 8 others, whatever the code.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import list_endpoints as le

ROOT = Path(__file__).resolve().parents[1]
EXTRA = [
    ("screening", "api round visits", "/api/v1/screening/rounds/1/visits?limit=50"),
    ("screening", "page round (visits)", "/screening/rounds/1/"),
    ("reports", "page returnee reports", "/observation/returnees/"),
    ("scans", "page gates", "/gate/"),
]


def machine_busy_ms() -> float:
    """CPU time the whole machine has spent busy (all cores: client, app servers and PostgreSQL alike), in ms,
    from /proc/stat: per request, what a request costs the machine, whoever spends it."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    return (sum(fields[:8]) - idle) * 1000 / os.sysconf("SC_CLK_TCK")


def cores_for(concurrency: int, cpu_ms: float, budget: float) -> int:
    """Cores at which `concurrency` requests in flight, each costing `cpu_ms` of machine time, are served
    within `budget` on average (Little's law: the time in the system is the work queued ahead of a request
    divided by the cores); p95 needs a margin above it."""
    return max(1, math.ceil(concurrency * cpu_ms / budget))


def budget_ms(people: int) -> float:
    return 100.0 if people <= 200_000 else 150.0


def serve(database: str, data_dir: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}", FANGKONG_DATA_DIR=data_dir)
    proc = subprocess.Popen([str(ROOT / ".venv/bin/fangkong"), "serve", "--bind", f"127.0.0.1:{port}",
                             "--workers", str(workers), "--data-dir", data_dir], env=env,
                            stdout=subprocess.DEVNULL, stderr=open(f"/tmp/city_lists-{port}.log", "w"))  # noqa: S108
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"the server on {port} did not start; see /tmp/city_lists-{port}.log")


def login(base: str, username: str, password: str) -> str:
    """A logged-in session's `sessionid` (the login form with its CSRF token)."""
    import requests

    s = requests.Session()
    html = s.get(f"{base}/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    r = s.post(f"{base}/accounts/login/", data={"username": username, "password": password,
                                                 "csrfmiddlewaretoken": token},
               headers={"Referer": f"{base}/accounts/login/"}, allow_redirects=False)
    if "sessionid" not in s.cookies:
        raise SystemExit(f"login as {username} failed: {r.status_code}")
    return s.cookies["sessionid"]


def fetch(url: str, headers: dict[str, str]) -> tuple[float, int, int, dict[str, str]]:
    """`list_endpoints.fetch`, with a timeout or a dropped connection recorded as status 0 instead of raised."""
    start = time.perf_counter()
    try:
        return le.fetch(url, headers)
    except OSError:
        return (time.perf_counter() - start) * 1000, 0, 0, {}


def measure(base: str, token: str, session: str, repeat: int, concurrency: int, deep: int, hh_deep: int,
            skip: set[str] = frozenset()) -> list[dict]:
    rows = []
    for group, label, path in le.targets(deep, hh_deep) + EXTRA:
        if group in skip or label in skip:
            continue
        is_page = not path.startswith("/api/")
        headers = {"Cookie": f"sessionid={session}"} if is_page else {"Authorization": f"Bearer {token}"}
        path, follow = path.removesuffix("#follow"), path.endswith("#follow")
        url = base + path
        warm_ms, _status, _size, got = fetch(url, headers)  # warm-up
        if follow:
            link = le._page_next(url, headers) if is_page else le.next_link(got)
            if not link:
                rows.append({"group": group, "label": label, "url": path, "skipped": "no next page"})
                continue
            url = link if link.startswith("http") else base + link
        # A request that takes seconds is timed a few times only: its figure is clear, and the run ends.
        n = repeat if warm_ms < 5000 else min(repeat, max(3, concurrency))
        busy = machine_busy_ms()
        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(fetch, [url] * n, [headers] * n))
        cpu_ms = (machine_busy_ms() - busy) / n
        times = sorted(r[0] for r in results)
        rows.append({"group": group, "label": label, "url": url[len(base):], "concurrency": concurrency,
                     "p50_ms": round(statistics.median(times), 1),
                     "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
                     "status": sorted({r[1] for r in results}), "bytes": results[-1][2], "n": n,
                     "cpu_ms": round(cpu_ms, 1)})
        print(f"  {label:34} p50 {rows[-1]['p50_ms']:8.1f}  p95 {rows[-1]['p95_ms']:8.1f}  cpu {cpu_ms:6.1f}  n={n}",
              flush=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--database", action="append", default=[])
    ap.add_argument("--data-dir", action="append", default=[])
    ap.add_argument("--port", type=int, default=9100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--concurrency", default="1,16")
    ap.add_argument("--json", default="")
    ap.add_argument("--skip", default="", help="comma-separated groups or labels not to time (e.g. alerts)")
    args = ap.parse_args()
    skip = {x for x in args.skip.split(",") if x}
    pairs = list(zip(args.database, args.data_dir, strict=True)) or [("fk_district", "/tmp/fk-district"),  # noqa: S108
                                                                      ("fk_city", "/tmp/fk-city")]  # noqa: S108
    report, over = [], 0
    for database, data_dir in pairs:
        city = json.loads((Path(data_dir) / "city.json").read_text())
        people = city["layout"]["communities"] * city["layout"]["people"]
        deep, hh_deep = min(150_000, people - 100), min(60_000, people * 7 // 20 - 100)
        proc = serve(database, data_dir, args.port, args.workers)
        try:
            base = f"http://127.0.0.1:{args.port}"
            session = login(base, "admin", "fangkong2020")
            for c in (int(x) for x in args.concurrency.split(",")):
                load = os.getloadavg()[0]
                rows = measure(base, city["token"], session, args.repeat, c, deep, hh_deep, skip)
                print(f"\n{database}: {people:,} people, {c} at once (load average {load:.1f} before), "
                      f"budget p95 ≤ {budget_ms(people):.0f} ms")
                print(f"{'request':34} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>7} {'cores':>5}  status  url")
                for r in rows:
                    if "skipped" in r:
                        print(f"{r['label']:34} {'—':>8} {'—':>8}  {r['skipped']}")
                        continue
                    flag = " OVER" if r["p95_ms"] > budget_ms(people) else ""
                    over += bool(flag)
                    r["cores_for_budget"] = cores_for(c, r["cpu_ms"], budget_ms(people))
                    print(f"{r['label']:34} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['cpu_ms']:7.1f} "
                          f"{r['cores_for_budget']:5}  {r['status']}  {r['url']}{flag}", flush=True)
                report.append({"database": database, "people": people, "concurrency": c, "load": load,
                               "rows": rows})
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:  # a worker stuck in a long request
                proc.kill()
                proc.wait(10)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\n{over} rows over budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
