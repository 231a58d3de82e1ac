"""Reads from a replica (fangkong/core/replica.py, docs/replicas.md).

The first tests run on any database: the router's rules, the scan that records no write, the fallback to
the primary when the replica's port is closed. The `live` ones need PostgreSQL and a real hot standby of
it (`TEST_REPLICA_URL`, built by `./run test`): the data must be committed to stream, so they run with
`transaction=True`, and they prove where a read went by what the standby could not have yet, replay being
paused (`pg_wal_replay_pause()`) while the primary moves on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time

import dj_database_url
import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from fangkong.core import replica as rp

REPLICA_URL = os.environ.get("TEST_REPLICA_URL", "")
ON_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith("postgres")
live = pytest.mark.skipif(not (REPLICA_URL and ON_POSTGRES),
                          reason="needs PostgreSQL (DATABASE_URL) and a hot standby of it (TEST_REPLICA_URL)")


def _add_replica_alias(monkeypatch, raw: dict) -> None:
    """A `replica` connection for this test only, at the test database. Not in `connections.settings`:
    Django's test case refuses connections to configured aliases the test did not declare, and pytest-django
    declares them before any fixture of ours could add one; `replica_configured` is told instead."""
    raw = {**raw, "NAME": connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]}
    conf = connections.configure_settings({DEFAULT_DB_ALIAS: connections.settings[DEFAULT_DB_ALIAS], rp.REPLICA: raw})
    wrapper = load_backend(conf[rp.REPLICA]["ENGINE"]).DatabaseWrapper(conf[rp.REPLICA], rp.REPLICA)
    setattr(connections._connections, rp.REPLICA, wrapper)
    monkeypatch.setattr(rp, "replica_configured", lambda: True)


def _drop_replica_alias() -> None:
    with contextlib.suppress(Exception):
        connections[rp.REPLICA].close()
    with contextlib.suppress(AttributeError):
        delattr(connections._connections, rp.REPLICA)


@pytest.fixture
def routed(settings):
    """The router on, the probe and read-your-writes rules at known values."""
    settings.DATABASE_ROUTERS = ["fangkong.core.replica.ReplicaRouter"]
    settings.FANGKONG_REPLICA_MAX_LAG_SECONDS = 60
    settings.FANGKONG_READ_YOUR_WRITES_SECONDS = 5
    rp.replica_probe_reset()
    yield settings
    rp.replica_probe_reset()


def _id_number() -> str:
    from fangkong.core.identifiers import id_check_char

    first17 = "11010119900307001"
    return first17 + id_check_char(first17)


def _rows(response) -> list[dict]:
    data = response.json()
    return data["items"] if isinstance(data, dict) else data


def _names(response) -> set[str]:
    return {row["name"] for row in _rows(response)}


# -- on any database ------------------------------------------------------------------------------------


def test_without_a_replica_the_middleware_is_not_installed():
    from django.core.exceptions import MiddlewareNotUsed

    assert not rp.replica_configured()
    with pytest.raises(MiddlewareNotUsed):
        rp.ReplicaReadsMiddleware(lambda r: HttpResponse())


def test_the_status_command_says_when_no_replica_is_configured():
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("replica_status", stdout=out)
    assert json.loads(out.getvalue()) == {"configured": False}


def test_migrations_and_writes_go_to_the_primary_and_a_write_pins_the_request(monkeypatch):
    from fangkong.registry.models import Person

    router = rp.ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "registry") is True
    assert router.allow_migrate(rp.REPLICA, "registry") is False
    monkeypatch.setattr(rp, "replica_configured", lambda: True)
    monkeypatch.setattr(rp, "replica_health", lambda **kw: rp.Health(True, "", 0.0, time.monotonic()))
    with rp.replica_reads() as route:
        assert router.db_for_read(Person) == rp.REPLICA
        assert router.db_for_write(Person) == DEFAULT_DB_ALIAS
        assert route.wrote
        assert router.db_for_read(Person) == DEFAULT_DB_ALIAS  # the request reads what it wrote
    assert router.db_for_read(Person) == DEFAULT_DB_ALIAS  # outside a routed request


@pytest.mark.django_db(transaction=True)  # a test's own transaction would keep every read on the primary
def test_security_tables_a_transaction_and_an_unswitched_request_read_the_primary(monkeypatch):
    from fangkong.accounts.models import AuditEntry, SecurityAlert
    from fangkong.registry.models import Person

    router = rp.ReplicaRouter()
    monkeypatch.setattr(rp, "replica_configured", lambda: True)
    monkeypatch.setattr(rp, "replica_health", lambda **kw: rp.Health(True, "", 0.0, time.monotonic()))
    assert router.db_for_read(Person) == DEFAULT_DB_ALIAS
    with rp.replica_reads() as route:
        assert router.db_for_read(SecurityAlert) == DEFAULT_DB_ALIAS
        assert router.db_for_read(AuditEntry) == DEFAULT_DB_ALIAS
        router.db_for_write(AuditEntry)  # an audit entry written by a list read does not pin it
        assert not route.wrote
        with transaction.atomic():
            assert router.db_for_read(Person) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Person) == rp.REPLICA


class _FakeReplica:
    """A replica connection whose probe answers (in recovery, lag, streaming) as told."""

    def __init__(self, row) -> None:
        self.row = row

    @contextlib.contextmanager
    def cursor(self):
        class Cursor:
            def execute(_, sql, params=None):
                assert "pg_last_wal_replay_lsn" in sql

            def fetchone(_):
                return self.row

        yield Cursor()

    def close(self) -> None:
        pass


@pytest.mark.parametrize(("row", "usable", "reason"), [
    ((True, 0.02, True), True, ""),
    ((True, 11.0, True), False, "lagging"),  # past FANGKONG_REPLICA_MAX_LAG_SECONDS (10)
    ((True, 0.0, False), False, "disconnected"),  # not streaming: its data stops at an unknown point
    ((False, 0.0, False), True, ""),  # not in recovery: a promoted standby, or the primary itself
])
def test_the_probe_tells_a_usable_replica_from_a_lagging_or_disconnected_one(settings, row, usable, reason):
    settings.FANGKONG_REPLICA_MAX_LAG_SECONDS = 10
    setattr(connections._connections, rp.REPLICA, _FakeReplica(row))
    try:
        health = rp.replica_health(refresh=True)
    finally:
        delattr(connections._connections, rp.REPLICA)
        rp.replica_probe_reset()
    assert (health.usable, health.reason) == (usable, reason)


@pytest.mark.django_db
def test_only_listed_pages_and_api_lists_are_switched_to_the_replica(monkeypatch, personas):
    from django.urls import resolve

    monkeypatch.setattr(rp, "replica_configured", lambda: True)
    mw = rp.ReplicaReadsMiddleware(lambda r: HttpResponse())
    rf = RequestFactory()

    def route_for(request, user=None):
        request.resolver_match = resolve(request.path_info)
        if user is not None:
            request.user = user
        try:
            mw.process_view(request, None, (), {})
            return rp.current_route()
        finally:
            rp._route.set(None)

    leader = personas["leader"]
    assert route_for(rf.get("/people/"), leader).replica
    assert route_for(rf.get("/api/v1/people")).user_id is None  # the token is checked later, in the view
    assert route_for(rf.get("/api/v1/scans")) is not None  # the gate log, a list
    assert route_for(rf.get("/gate/duty/"), leader) is None  # a guard's page: always the primary
    assert route_for(rf.get("/api/v1/gates/g1/sync")) is None  # the offline gates' feed
    assert route_for(rf.post("/api/v1/people"), leader) is None  # a write
    rp.writes_record(leader.pk)
    assert not route_for(rf.get("/people/"), leader).replica  # read-your-writes


@pytest.mark.django_db
def test_a_successful_write_is_recorded_for_its_user_but_a_scan_is_not(monkeypatch, personas):
    monkeypatch.setattr(rp, "replica_configured", lambda: True)
    rf = RequestFactory()
    ok = rp.ReplicaReadsMiddleware(lambda r: HttpResponse(status=201))
    refused = rp.ReplicaReadsMiddleware(lambda r: HttpResponse(status=400))
    guard, leader, office = personas["guard"], personas["leader"], personas["office"]

    for request, user, mw in ((rf.post("/api/v1/scans"), guard, ok), (rf.post("/api/v1/scans/batch"), guard, ok),
                              (rf.post("/api/v1/people"), office, refused), (rf.post("/api/v1/people"), leader, ok)):
        request.user = user
        mw(request)
    assert not rp.wrote_recently(guard.pk)  # a scan: no mark, no cache write
    assert not rp.wrote_recently(office.pk)  # refused: nothing was written
    assert rp.wrote_recently(leader.pk)


@pytest.mark.django_db(transaction=True)
def test_a_replica_that_is_down_falls_back_to_the_primary_logged_and_counted(routed, login, make_person, places,
                                                                             caplog, monkeypatch):
    make_person(places["grid1"], name="回退居民")
    _add_replica_alias(monkeypatch, {**dj_database_url.parse("postgres://postgres@127.0.0.1:9/x"),
                        "OPTIONS": {"connect_timeout": 2}})  # port 9 (discard): nothing listens
    try:
        before = rp.replica_counts()["process"]["fallback_unreachable"]
        with caplog.at_level(logging.WARNING, logger="fangkong.replica"):
            response = login("leader").get("/people/")
        assert response.status_code == 200
        assert "回退居民" in response.content.decode()
        assert rp.replica_counts()["process"]["fallback_unreachable"] == before + 1
        warnings = [r for r in caplog.records if r.name == "fangkong.replica" and r.levelno == logging.WARNING]
        assert warnings and "unreachable" in warnings[0].getMessage()
        assert "回退居民" not in caplog.text
        status = rp.replica_status()
        assert (status["usable"], status["reason"]) == (False, "unreachable")
        assert status["counters"]["all"]["fallback_unreachable"] >= 1  # flushed to the shared cache
    finally:
        _drop_replica_alias()


# -- live: PostgreSQL and its hot standby -----------------------------------------------------------------


def _one(alias: str, sql: str, params: list | None = None):
    with connections[alias].cursor() as cur:
        cur.execute(sql, params or [])
        return cur.fetchone()[0]


def _wait_replayed(seconds: float = 20) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    lsn = _one(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")
    end = time.monotonic() + seconds
    while not _one(rp.REPLICA, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [lsn]):
        assert time.monotonic() < end, "the standby did not catch up"
        time.sleep(0.05)


@contextlib.contextmanager
def _replay_paused():
    """The standby stops applying WAL (it still receives it): what the primary commits meanwhile is not
    on the replica."""
    _one(rp.REPLICA, "SELECT pg_wal_replay_pause()::text")
    end = time.monotonic() + 10
    while _one(rp.REPLICA, "SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < end
        time.sleep(0.05)
    try:
        yield
    finally:
        _one(rp.REPLICA, "SELECT pg_wal_replay_resume()::text")


@pytest.fixture
def standby(transactional_db, routed, monkeypatch):
    """The `replica` alias on the hot standby, at the test database (CREATE DATABASE streams too)."""
    _add_replica_alias(monkeypatch, {**dj_database_url.parse(REPLICA_URL), "OPTIONS": {"connect_timeout": 2}})
    end = time.monotonic() + 20
    while True:  # the test database appears on the standby once its creation is replayed
        try:
            _one(rp.REPLICA, "SELECT 1")
            break
        except Exception:
            connections[rp.REPLICA].close()
            assert time.monotonic() < end, "no test database on the standby"
            time.sleep(0.2)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            _one(rp.REPLICA, "SELECT pg_wal_replay_resume()::text")
        _drop_replica_alias()


def _replica_queries(ctx: CaptureQueriesContext, table: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if table in q["sql"]]


@live
def test_a_list_page_reads_from_the_replica(standby, login, make_person, places):
    make_person(places["grid1"], name="早到居民")
    _wait_replayed()
    client = login("leader")
    with _replay_paused():
        make_person(places["grid1"], name="晚到居民")  # committed on the primary only
        with CaptureQueriesContext(connections[rp.REPLICA]) as on_replica:
            page = client.get("/people/").content.decode()
        assert _one(rp.REPLICA, "SELECT pg_is_in_recovery()") is True  # that connection is the standby
    assert "早到居民" in page and "晚到居民" not in page
    assert _replica_queries(on_replica, "registry_person")
    assert not _replica_queries(on_replica, "django_session")  # the session is read from the primary


@live
def test_an_api_list_reads_from_the_replica_and_a_detail_from_the_primary(standby, api_client, make_person, places):
    make_person(places["grid1"], name="早到居民")
    _wait_replayed()
    office = api_client("office")
    assert office.get("/api/v1/me").status_code == 200  # the token, made now, is read before the switch
    with _replay_paused():
        late = make_person(places["grid1"], name="晚到居民")
        assert _names(office.get("/api/v1/people")) == {"早到居民"}
        assert office.get(f"/api/v1/people/{late.pk}").status_code == 200  # not a list: the primary


@live
def test_a_write_goes_to_the_primary(standby, api_client, make_person, places):
    household = make_person(places["grid1"], name="户主").household
    _wait_replayed()
    with CaptureQueriesContext(connections[rp.REPLICA]) as on_replica:
        response = api_client("leader").post("/api/v1/people", {
            "name": "新登记", "id_number": _id_number(), "household": household.pk, "relation": "spouse",
        }, content_type="application/json")
    assert response.status_code == 201, response.content
    assert not [q for q in on_replica.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    from fangkong.registry.models import Person

    assert Person.objects.using(DEFAULT_DB_ALIAS).filter(pk=response.json()["id"]).exists()


@live
def test_read_your_writes_the_writer_reads_the_primary_for_a_while_others_the_replica(
        standby, api_client, make_person, places, settings):
    settings.FANGKONG_READ_YOUR_WRITES_SECONDS = 2
    first = make_person(places["grid1"], name="早到居民")
    household = first.household
    leader, office = api_client("leader"), api_client("office")
    for client in (leader, office):
        assert client.get("/api/v1/me").status_code == 200
    _wait_replayed()
    with _replay_paused():
        created = leader.post("/api/v1/people", {"name": "刚登记", "id_number": _id_number(),
                                                  "household": household.pk, "relation": "spouse"},
                              content_type="application/json")
        assert created.status_code == 201, created.content
        assert "刚登记" in _names(leader.get("/api/v1/people"))  # the writer sees their write at once
        assert "刚登记" not in _names(office.get("/api/v1/people"))  # another user reads the replica
        time.sleep(2.2)  # the writer's mark expires (whole seconds in the cache)
        assert "刚登记" not in _names(leader.get("/api/v1/people"))  # back on the replica


@live
def test_a_replica_that_lags_past_the_limit_falls_back_logged_and_counted(standby, login, make_person, places,
                                                                          settings, caplog):
    make_person(places["grid1"], name="早到居民")
    _wait_replayed()
    client = login("leader")
    with translation.override("en"), _replay_paused():
        make_person(places["grid1"], name="晚到居民")
        settings.FANGKONG_REPLICA_MAX_LAG_SECONDS = 0.5
        end = time.monotonic() + 15
        while rp.replica_health(refresh=True).reason != "lagging":
            assert time.monotonic() < end, "no lag past the limit"
            time.sleep(0.2)
        before = rp.replica_counts()["process"]["fallback_lagging"]
        with caplog.at_level(logging.WARNING, logger="fangkong.replica"):
            rp.replica_probe_reset()
            page = client.get("/people/").content.decode()
        assert "晚到居民" in page  # the primary answered
        assert rp.replica_counts()["process"]["fallback_lagging"] == before + 1
        assert any("lagging" in r.getMessage() for r in caplog.records if r.name == "fangkong.replica")
        assert rp.replica_status()["reason"] == "lagging"
