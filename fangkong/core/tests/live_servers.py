"""Real `fangkong serve` processes for the tests that need more than one process (tests/test_two_servers.py,
tests/test_pgbouncer.py): a fresh PostgreSQL database, a small world built through the services in a child
process, servers on free ports, and a plain HTTP client. Not a test module itself."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "live-servers-pw-2026"  # set by code (user_create), not through the validators


def postgres_url() -> str | None:
    """The PostgreSQL server of this test run (DATABASE_URL), or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def reachable(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex((host, port)) == 0


def redis_url() -> str | None:
    """A Redis database of its own for this run (a random index, so runs side by side do not meet), or None."""
    base = urllib.parse.urlsplit(os.environ.get("FANGKONG_TEST_REDIS_URL", "redis://127.0.0.1:6379"))
    if not reachable(base.hostname or "127.0.0.1", base.port or 6379):
        return None
    return f"redis://{base.hostname}:{base.port or 6379}/{secrets.randbelow(15) + 1}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A new, empty database on the run's PostgreSQL server, dropped afterwards: its URL."""
    import psycopg

    server = urllib.parse.urlsplit(postgres_url())
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = server._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path="/" + name).geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_env(**extra: str) -> dict[str, str]:
    """The environment of every child: the run's own settings left out, fixed secrets shared by all."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FANGKONG_", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DB_", "DJANGO_"))}
    return env | {"SECRET_KEY": "live-servers-" + "x" * 50, "FANGKONG_DATA_KEY": "live-servers-data-key",
                  "DJANGO_SETTINGS_MODULE": "fangkong.settings", **extra}


def fangkong(data_dir: Path, *args: str, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run([sys.executable, "-m", "fangkong", "--data-dir", str(data_dir), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


# Built in a child process through the services, against the fresh database; prints what the tests need.
WORLD = """
import json
from datetime import date
import django
django.setup()
from fangkong.accounts.roles import Role
from fangkong.accounts.services import token_create, user_create
from fangkong.core.identifiers import id_check_char
from fangkong.gates.models import Gate
from fangkong.passes.services import pass_issue
from fangkong.registry.services import household_create, person_register, places_ensure, tags_ensure
from fangkong.registry.validation import person_data_from

tags_ensure()
home = places_ensure(community_code="C1", community_name="一号社区", grids=1)
grid = home.grids.get(number=1)
pw = %(password)r
admin = user_create(username="admin", password=pw, role=Role.ADMINISTRATOR)
leader = user_create(username="leader", password=pw, role=Role.COMMUNITY_LEADER, communities=[home])
guards = [user_create(username=f"guard{i}", password=pw, role=Role.GUARD, communities=[home]) for i in (1, 2, 3)]
Gate.objects.create(community=home, code="east", name="东门")
people = []
for i in range(1, 5):
    first17 = f"3702121990010{i}00{i}"
    number = first17 + id_check_char(first17)
    hh = household_create(actor=admin, community=home, grid=grid, building_name="1号楼", unit="1单元", room=f"10{i}")
    person = person_register(actor=admin, data=person_data_from({"name": f"居民{i}", "id_number": number, "phone": "",
                             "category": "registered", "tags": []}), community=home, household=hh)
    p = pass_issue(actor=admin, person=person, kind="temporary", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 12, 31))
    people.append({"id_number": number, "pass": p.number})
print(json.dumps({"people": people, "tokens": {u.username: token_create(user=u) for u in [leader, *guards]}}))
"""


def django_child(code: str, data_dir: Path, env: dict[str, str]) -> str:
    """Run `code` in a child process with Django set up for `env`: another process than the servers."""
    done = subprocess.run([sys.executable, "-c", "import django\ndjango.setup()\n" + code], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False,
                          env=env | {"FANGKONG_DATA_DIR": str(data_dir)})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def build_world(data_dir: Path, env: dict[str, str]) -> dict:
    """Migrate the database of `env` and build the world: tokens by username, people with their passes."""
    fangkong(data_dir, "manage", "migrate", "--verbosity", "0", env=env, timeout=600)
    fangkong(data_dir, "manage", "createcachetable", env=env)  # the cache without Redis
    return json.loads(django_child(WORLD % {"password": PASSWORD}, data_dir, env).strip().splitlines()[-1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path


def start_server(data_dir: Path, env: dict[str, str], *args: str) -> Server:
    """`fangkong serve` on a free port, one worker (so one process holds the caches the tests aim at)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = data_dir / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "fangkong", "--data-dir", str(data_dir), "serve",
                                 "--bind", f"127.0.0.1:{port}", "--workers", "1", *args],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("server exited:\n" + log.read_text())
        try:
            if request(server, "GET", "/accounts/login/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise AssertionError("server did not answer:\n" + log.read_text())


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


def request(server: Server, method: str, path: str, *, body: dict | None = None, token: str | None = None,
            form: dict | None = None, cookies: dict | None = None) -> tuple[int, bytes, dict]:
    """One HTTP request, no redirect followed: status, body, the cookies it set."""
    headers = {}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    req = urllib.request.Request(server.url + path, data=data, headers=headers,  # noqa: S310 -- http://127.0.0.1
                                 method=method)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=30) as r:
            status, content, raw = r.status, r.read(), r.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as e:
        status, content, raw = e.code, e.read(), e.headers.get_all("Set-Cookie") or []
    set_cookies = dict(c.split(";", 1)[0].split("=", 1) for c in raw)
    return status, content, set_cookies


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def scan(server: Server, token: str, person: dict, **extra) -> tuple[int, dict]:
    """A gate scan: the status and, when 200, the decision and reasons."""
    status, content, _ = request(server, "POST", "/api/v1/scans", token=token, body={
        "gate": "east", "direction": "in", "code": person["pass"], "id_number": person["id_number"],
        "temperature": "36.5", **extra})
    return status, (json.loads(content) if status == 200 else {})


def login(server: Server, username: str, password: str) -> tuple[int, bytes]:
    """The login page as a browser sends it: its CSRF cookie and token first."""
    status, page, cookies = request(server, "GET", "/accounts/login/")
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    status, content, _ = request(server, "POST", "/accounts/login/", cookies=cookies,
                                 form={"username": username, "password": password, "csrfmiddlewaretoken": token})
    return status, content
