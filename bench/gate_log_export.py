"""Benchmark: the gate logs of a district's day exported through the ledger engine (the gate_log source and
fangkong/ledgers/writer.py `write_ledger`, as the export task calls them), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/gate_log_export.py \
        [--communities 50] [--scans 2000000] [--workers 2] [--budget-s 60] [--memory-mb 50]

Makes sure the district's day exists first (bench/district_day.py: 50 communities × 4,000 people and
2,000,000 scans of one day; idempotent). Then, each in a child process of its own so that its peak
memory (RSS, getrusage) is its alone:
- `one`: the first community's gate log (≈40,000 rows);
- `fifty`: one file with the fifty communities' gate logs (2,000,000 rows);
- `each`: the fifty communities' gate logs as fifty files, one export per community as the downloads
  list makes them, shared among `--workers` processes (the task queue's workers; 1 = one after another).
Budgets: `each` (and `fifty`) under `--budget-s` seconds in total; the peak memory of `fifty` within
`--memory-mb` of `one`'s (memory does not grow with the rows). Prints the machine (CPU model, cores, load)
and exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
os.environ.setdefault("FANGKONG_DATA_DIR", str(ROOT / "bench" / "results" / "district-data"))


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _export(codes: list[str], day: date, out_dir: Path, *, one_file: bool) -> dict:
    """In a child: export the gate logs of the communities `codes` (one file, or one per community)."""
    import django

    django.setup()
    from django.utils import timezone

    from fangkong.accounts.models import User
    from fangkong.ledgers.layouts import layout_default
    from fangkong.ledgers.sources import SPECS
    from fangkong.ledgers.spec import ExportContext
    from fangkong.ledgers.writer import watermark_text, write_ledger
    from fangkong.registry.models import Community

    spec = SPECS["gate_log"]
    actor = User.objects.filter(username__startswith="bench-guard").order_by("id").first()
    communities = list(Community.objects.filter(code__in=codes).order_by("code"))
    batches = [communities] if one_file else [[c] for c in communities]
    mark = watermark_text(name="压测", at=timezone.now())
    started = time.perf_counter()
    rows = size = 0
    for n, batch in enumerate(batches):
        ctx = ExportContext(actor=actor, communities=tuple(batch), street=None, date_from=day, date_to=day,
                            reveal_id=False, reveal_phone=False)
        out = out_dir / f"gate_log_{os.getpid()}_{n}.xlsx"
        rows += write_ledger(spec, layout_default(spec), ctx, out, watermark=mark, filled_by="压测")
        size += out.stat().st_size
        out.unlink()
    return {"rows": rows, "files": len(batches), "bytes": size, "seconds": time.perf_counter() - started,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(mode: str, codes: list[str], day: date, out_dir: Path) -> list[dict]:
    """Run one export (or, for `each` with several workers, several at once) in child processes."""
    groups = [codes]
    if mode.startswith("each-"):
        workers = int(mode.split("-", 1)[1])
        groups = [codes[i::workers] for i in range(workers)]
    cmd = [sys.executable, __file__, "--child", "one-file" if mode in ("one", "fifty") else "per-community",
           "--day", day.isoformat(), "--out", str(out_dir)]
    procs = [subprocess.Popen([*cmd, "--codes", ",".join(g)], stdout=subprocess.PIPE, text=True) for g in groups]
    results = []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode:
            raise SystemExit(f"child failed ({p.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--scans", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--budget-s", type=float, default=60.0)
    parser.add_argument("--memory-mb", type=float, default=50.0)
    parser.add_argument("--child", choices=["one-file", "per-community"])
    parser.add_argument("--codes", default="")
    parser.add_argument("--day", type=date.fromisoformat)
    parser.add_argument("--out")
    args = parser.parse_args()

    if args.child:
        result = _export(args.codes.split(","), args.day, Path(args.out), one_file=args.child == "one-file")
        print(json.dumps(result))
        return 0

    from bench.district_day import ensure_district_day

    district = ensure_district_day(communities=args.communities, people=args.people, scans=args.scans)
    codes = [c.code for c in district.communities]
    print(f"machine: {_cpu()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; "
          f"python {platform.python_version()}")
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for label, mode, picked in (("one", "one", codes[:1]), ("fifty", "fifty", codes),
                                    ("each", f"each-{args.workers}", codes)):
            started = time.perf_counter()
            results = _child(mode, picked, district.day, out)
            wall = time.perf_counter() - started
            rows = sum(r["rows"] for r in results)
            peak = max(r["peak_rss_mb"] for r in results)
            files = sum(r["files"] for r in results)
            mb = sum(r["bytes"] for r in results) / 1e6
            figures[label] = {"rows": rows, "files": files, "wall_s": wall, "peak_rss_mb": peak}
            print(f"{label:>5}: {rows:>9,} rows in {files:>2} file(s), {mb:6.1f} MB of xlsx, {wall:6.1f} s wall "
                  f"({rows / wall:,.0f} rows/s), peak RSS {peak:.0f} MB"
                  + (f" per worker ({len(results)} workers)" if len(results) > 1 else ""))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    failed = []
    if figures["each"]["wall_s"] >= args.budget_s:
        failed.append(f"the fifty exports took {figures['each']['wall_s']:.1f} s (budget {args.budget_s:.0f} s)")
    growth = figures["fifty"]["peak_rss_mb"] - figures["one"]["peak_rss_mb"]
    print(f"peak memory, fifty communities in one file minus one community: {growth:+.1f} MB "
          f"(budget ±{args.memory_mb:.0f} MB)")
    if abs(growth) > args.memory_mb:
        failed.append(f"memory grew by {growth:.0f} MB")
    for text in failed:
        print("OVER BUDGET:", text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
