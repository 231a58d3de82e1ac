"""`fangkong serve --worker-class gevent` on PostgreSQL, run as production runs it.

One gevent worker keeps many scans in flight on a small pool of PostgreSQL connections. What must
hold there as under sync workers: the exit quota lets exactly one of 50 simultaneous exits of one
temporary pass through, every scan is recorded, a replayed client_id answers the first decision —
and the worker stays within its pool instead of opening a connection per HTTP connection.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date

import pytest
from django.db import connection

from fangkong.accounts.services import token_create
from fangkong.gates.models import Gate, Scan
from fangkong.passes.services import pass_issue

POOL = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    d = connection.settings_dict
    return f"postgres://{d['USER']}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def _post(port: int, token: str, body: dict) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/api/v1/scans", json.dumps(body),
                     {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        resp = conn.getresponse()
        assert resp.status == 200, resp.read()[:300]
        return json.loads(resp.read())
    finally:
        conn.close()


@pytest.fixture
def gevent_server(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("gevent workers are for PostgreSQL; SQLite keeps sync workers")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DB_POOL_MAX",)}
    env.update(DATABASE_URL=_database_url(), FANGKONG_DATA_DIR=str(tmp_path), SECRET_KEY=settings.SECRET_KEY,
               FANGKONG_DATA_KEY=settings.FANGKONG_DATA_KEY, ALLOWED_HOSTS="127.0.0.1")
    proc = subprocess.Popen([sys.executable, "-m", "fangkong", "serve", "--workers", "1", "--worker-class", "gevent",
                             "--db-pool", str(POOL), "--bind", f"127.0.0.1:{port}"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        time.sleep(0.2)
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_gevent_worker_keeps_the_exit_quota_and_its_pool(personas, places, make_person, gevent_server):
    home = places["home"]
    codes = [f"g{i}" for i in range(4)]
    for code in codes:
        Gate.objects.create(community=home, code=code, name=code)

    def temporary_pass():
        person = make_person(places["grid1"], category="floating")
        p = pass_issue(actor=personas["office"], person=person, kind="temporary", valid_from=date(2020, 1, 1),
                       valid_until=date(2099, 1, 1))
        return p.number, person.id_number

    contested = temporary_pass()
    others = [temporary_pass() for _ in range(10)]
    token = token_create(user=personas["guard"])
    jobs = [(codes[i % 4], *contested) for i in range(50)] + [(codes[i % 4], *o) for i, o in enumerate(others)]
    barrier = threading.Barrier(len(jobs))
    answers: dict[int, dict] = {}
    errors: list[BaseException] = []

    def gate(i: int, code: str, number: str, id_number: str) -> None:
        try:
            barrier.wait(timeout=30)
            answers[i] = _post(gevent_server, token, {"gate": code, "direction": "out", "code": number,
                                                     "id_number": id_number})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=gate, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not errors, errors[:3]
    contested_answers = [answers[i] for i in range(50)]
    assert [a["decision"] for a in contested_answers].count("allow") == 1
    assert sorted(r for a in contested_answers for r in a["reasons"]) == ["exit_quota_reached"] * 49
    assert all(answers[i]["decision"] == "allow" for i in range(50, len(jobs)))
    assert Scan.objects.count() == len(jobs)

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_stat_activity "
                  "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        assert c.fetchone()[0] <= POOL

    back = {"direction": "in", "code": contested[0], "id_number": contested[1], "temperature": 36.4,
            "client_id": "dev-1"}
    first = _post(gevent_server, token, {"gate": "g0", **back})
    again = _post(gevent_server, token, {"gate": "g1", **back})
    assert first["decision"] == "allow", first["reasons"]
    assert again["scan"] == first["scan"] and again["decision"] == "allow"
    assert Scan.objects.count() == len(jobs) + 1
