"""Benchmark: every list endpoint and list page, first page, a deep offset and a page reached by cursor.

    .venv/bin/python bench/list_endpoints.py --base-url http://127.0.0.1:8000 --token TOKEN \
        [--session-cookie SESSIONID] [--repeat 20] [--concurrency 1] [--deep-offset 150000] \
        [--household-offset 60000] [--only people,households] [--json out.json]

Plain HTTP against a running server (`fangkong serve`), so it measures what a client sees; run it on the
server's machine to keep the network out. Each URL is requested `--repeat` times (after one warm-up) by
`--concurrency` threads; prints median and p95 wall milliseconds, the status and the answer's size. A
"cursor" row follows the first page's `Link: rel="next"` header (RFC 8288) once and times that URL. Pages
(`/people/`…) need `--session-cookie` (the `sessionid` of a logged-in browser); without it they
are skipped. The figures and the sizes they were taken at: docs/lists-at-scale.md.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

API = "/api/v1"


def targets(deep_offset: int, household_offset: int) -> list[tuple[str, str, str]]:
    """(group, label, path): API rows first, then pages."""
    return [
        ("people", "api people first page", f"{API}/people?limit=50"),
        ("people", "api people deep offset", f"{API}/people?limit=50&offset={deep_offset}"),
        ("people", "api people q=王", f"{API}/people?limit=50&q=%E7%8E%8B"),
        ("people", "api people q=王 cursor", f"{API}/people?limit=50&q=%E7%8E%8B#follow"),
        ("people", "api people cursor", f"{API}/people?limit=50#follow"),
        ("people", "api people category", f"{API}/people?limit=50&category=floating"),
        ("households", "api households first page", f"{API}/households?limit=50"),
        ("households", "api households deep offset", f"{API}/households?limit=50&offset={household_offset}"),
        ("households", "api households cursor", f"{API}/households?limit=50#follow"),
        ("households", "api households q", f"{API}/households?limit=50&q=1%E5%8F%B7"),
        ("passes", "api passes", f"{API}/passes?limit=50"),
        ("scans", "api scans", f"{API}/scans?limit=50"),
        ("observations", "api observations", f"{API}/observations?limit=50"),
        ("alerts", "api alerts", f"{API}/alerts?limit=50"),
        ("reports", "api returnee reports", f"{API}/returnee-reports?limit=50"),
        ("screening", "api screening rounds", f"{API}/screening/rounds"),
        ("people", "page people", "/people/"),
        ("people", "page people q=王", "/people/?q=%E7%8E%8B"),
        ("people", "page people cursor", "/people/#follow"),
        ("households", "page households", "/households/"),
        ("passes", "page passes", "/passes/"),
        ("observations", "page observations", "/observation/"),
        ("alerts", "page alerts", "/observation/alerts/"),
        ("audit", "page audit log", "/accounts/audit/"),
    ]


def fetch(url: str, headers: dict[str, str]) -> tuple[float, int, int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) from --base-url
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            body = answer.read()
            status, got = answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        body, status, got = error.read(), error.code, dict(error.headers)
    return (time.perf_counter() - start) * 1000, status, len(body), got


def next_link(headers: dict[str, str]) -> str | None:
    match = re.search(r'<([^>]+)>;\s*rel="next"', headers.get("Link", ""))
    if match:
        return match.group(1)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--session-cookie", default="")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--deep-offset", type=int, default=150_000)
    parser.add_argument("--household-offset", type=int, default=60_000)
    parser.add_argument("--only", default="", help="comma-separated groups (people,households,passes…)")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    only = {g for g in args.only.split(",") if g}
    rows = []
    for group, label, path in targets(args.deep_offset, args.household_offset):
        if only and group not in only:
            continue
        is_page = not path.startswith(API)
        if is_page and not args.session_cookie:
            continue
        headers = ({"Cookie": f"sessionid={args.session_cookie}"} if is_page
                   else {"Authorization": f"Bearer {args.token}"})
        path, follow = path.removesuffix("#follow"), path.endswith("#follow")
        url = base + path
        _ms, _status, _size, got = fetch(url, headers)  # warm-up
        if follow:
            link = next_link(got) if not is_page else _page_next(url, headers)
            if not link:
                print(f"{label:32} no next page", flush=True)
                continue
            url = link if link.startswith("http") else base + link
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(fetch, [url] * args.repeat, [headers] * args.repeat))
        times = sorted(r[0] for r in results)
        p95 = times[min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1)]
        row = {"label": label, "url": url[len(base):], "median_ms": round(statistics.median(times), 1),
               "p95_ms": round(p95, 1), "status": sorted({r[1] for r in results}), "bytes": results[-1][2]}
        rows.append(row)
        print(f"{label:32} median {row['median_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
              f"status {row['status']}  {row['bytes']} bytes", flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"base_url": base, "repeat": args.repeat, "concurrency": args.concurrency, "rows": rows},
                      out, indent=1)
    return 0


def _page_next(url: str, headers: dict[str, str]) -> str | None:
    """A page's "next" link (rel="next" on the pager's anchor)."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) from --base-url
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        html = answer.read().decode()
    match = re.search(r'<a[^>]*rel="next"[^>]*href="([^"]+)"', html) or re.search(
        r'<a[^>]*href="([^"]+)"[^>]*rel="next"', html)
    if not match:
        return None
    href = match.group(1).replace("&amp;", "&")
    path = url.split("?", 1)[0]
    return href if href.startswith(("/", "http")) else path + href


if __name__ == "__main__":
    sys.exit(main())
