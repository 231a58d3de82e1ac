"""Benchmark: the offline gate's full feed for a community of 5,000 passes, 500 of them revoked.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fk_h1 .venv/bin/python bench/offline_feed.py \
        [--passes 5000] [--revoked 500] [--repeat 5]

Without DATABASE_URL it runs on SQLite; the data dir (FANGKONG_DATA_DIR, else /tmp/fk-bench-offline-feed) is
kept, its key having sealed the ID numbers. It migrates the database it is pointed at,
builds (once: it is reused when present) a community "BF" with `--passes` people holding an ID number
and a pass each, `--revoked` of the passes revoked, a tenth limited to one gate and a few holders banned,
then builds the feed as `GET /api/v1/gates/{code}/sync?since=0` answers a device holding nothing, and
prints: the JSON's size raw and gzip-compressed (level 6, as the API compresses it), the server time
to build it cold (each holder's ID number decrypted and hashed for the day's epoch) and warm (the
process keeps the epoch's hashes), and the time through the API with the token lookup and gzip.
The contract's budget: < 200 KB compressed (and applied on the device in < 1 s: tests/e2e).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django() -> None:
    # One data dir for the database's life: its data key sealed the ID numbers the feed hashes.
    if not os.environ.get("FANGKONG_DATA_DIR"):
        os.environ["FANGKONG_DATA_DIR"] = str(Path(tempfile.gettempdir()) / "fk-bench-offline-feed")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(passes: int, revoked: int):
    """The bench community, made once through bulk inserts (the passes through the real bulk issue)."""
    import uuid

    from django.utils import timezone

    from fangkong.accounts.models import User
    from fangkong.accounts.roles import Role
    from fangkong.accounts.services import user_create
    from fangkong.core.identifiers import id_check_char
    from fangkong.core.models import protect
    from fangkong.gates.models import Gate
    from fangkong.passes.models import Ban, Pass, SyncEvent
    from fangkong.passes.services import pass_issue_bulk
    from fangkong.registry.models import Person
    from fangkong.registry.services import places_ensure, tags_ensure

    tags_ensure()
    home = places_ensure(community_code="BF", community_name="基准社区", grids=1)
    gate, _ = Gate.objects.get_or_create(code="bf-east", defaults={"community": home, "name": "东门"})
    Gate.objects.get_or_create(code="bf-west", defaults={"community": home, "name": "西门"})
    office = User.objects.filter(username="bf-office").first() or user_create(
        username="bf-office", password=uuid.uuid4().hex, role=Role.OFFICE_STAFF, communities=[home])
    guard = User.objects.filter(username="bf-guard").first() or user_create(
        username="bf-guard", password=uuid.uuid4().hex, role=Role.GUARD, communities=[home])
    have = Pass.objects.filter(community=home).count()
    if have >= passes:
        return gate, guard
    grid = home.grids.get()
    people = []
    for i in range(have, passes):
        first17 = f"37{i // 10000 % 10}212198{i // 1000 % 10}{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
        number = first17 + id_check_char(first17)
        row_key = uuid.uuid4()
        sealed, index, masked = protect("id", number, Person, row_key)
        people.append(Person(community=home, grid=grid, name=f"基准居民{i:05d}", category="registered",
                             row_key=row_key, id_number_encrypted=sealed, id_number_hash=index,
                             id_number_masked=masked, retain_until=date(2099, 1, 1)))
    Person.objects.bulk_create(people, batch_size=1000)
    today = timezone.localdate()
    made = pass_issue_bulk(actor=office, community=home, kind="resident", valid_from=today - timedelta(days=10),
                           valid_until=today + timedelta(days=60), people=people)
    ids = [p.id for p in made]
    now = timezone.now()
    Pass.objects.filter(id__in=ids[:revoked]).update(status=Pass.Status.REVOKED, revoked_at=now,
                                                     revoked_reason="基准")
    SyncEvent.objects.bulk_create([SyncEvent(community=home, kind=SyncEvent.Kind.REVOKED, pass_number=p.number,
                                             pass_version=1) for p in made[:revoked]])
    Pass.gates.through.objects.bulk_create([Pass.gates.through(pass_id=i, gate_id=gate.id)
                                            for i in ids[revoked:revoked + passes // 10]])
    Ban.objects.bulk_create([Ban(community=home, id_number_hash=p.id_number_hash, id_number_masked="",
                                 reason="基准") for p in people[-20:]])
    return gate, guard


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=5000)
    parser.add_argument("--revoked", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    _django()
    from django.db import connection
    from django.test import Client

    from fangkong.accounts.services import token_create
    from fangkong.gates import offline_feed
    from fangkong.gates.scanning import GateInfo

    gate, guard = _build(args.passes, args.revoked)
    info = GateInfo(gate.id, gate.community_id, gate.code, gate.kind)
    offline_feed._hashes.clear()
    t = time.perf_counter()
    data = offline_feed.gate_feed(gate=info, since=0, epoch=None)
    cold = time.perf_counter() - t
    warm, warm_cpu = [], []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        data = offline_feed.gate_feed(gate=info, since=0, epoch=None)
        warm.append(time.perf_counter() - t)
        warm_cpu.append(time.process_time() - c)
    raw = json.dumps(data, separators=(",", ":"), default=str).encode()
    packed = gzip.compress(raw, compresslevel=6)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=guard, name='bench feed')}",
                    HTTP_ACCEPT_ENCODING="gzip", HTTP_HOST="localhost")
    api = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        r = client.get(f"/api/v1/gates/{gate.code}/sync?since=0")
        api.append(time.perf_counter() - t)
    assert r.status_code == 200 and r["Content-Encoding"] == "gzip", r.status_code
    revoked = sum(1 for p in data["passes"] if p[3] == "revoked")
    assert all(p[9] for p in data["passes"]), "holders without idh: the data key is not the one that sealed them"
    print(f"database: {connection.vendor}; passes in the feed: {len(data['passes'])} ({revoked} revoked); "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"full feed JSON: {len(raw) / 1024:.1f} KiB raw, {len(packed) / 1024:.1f} KiB gzip "
          f"(API body {len(r.content) / 1024:.1f} KiB)")
    print(f"built in process: cold {cold * 1000:.0f} ms (ID numbers decrypted and hashed), "
          f"warm median {statistics.median(warm) * 1000:.0f} ms wall, {statistics.median(warm_cpu) * 1000:.0f} ms CPU "
          "(the rest is the database and a shared machine)")
    print(f"through the API (token, JSON, gzip): median {statistics.median(api) * 1000:.0f} ms, "
          f"max {max(api) * 1000:.0f} ms")
    return 0 if len(packed) < 200 * 1024 else 1


if __name__ == "__main__":
    raise SystemExit(main())
