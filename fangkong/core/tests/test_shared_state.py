"""Generation counters (core/shared_state.py) under the per-process caches (core/localcache.py): a change
announced by another process empties them at the next check when the cache is shared in memory, at once in
the process that made it; the check costs no SQL statement and at most one cache read per interval. The
writes that bump each counter are tested in tests/test_cross_process_caches.py (core imports no app)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.core import shared_state
from fangkong.core.localcache import TTLCache, clear_all

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared-state"}}


@pytest.fixture
def shared(settings):
    """An in-memory shared cache, as Redis is in production (LocMem stands in for it in one process)."""
    settings.CACHES = LOCMEM
    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()


def bump_elsewhere(name: str) -> None:
    """What another server's process does when it makes a change: the shared counter moves, not ours."""
    key = "fangkong:gen:" + name
    if not cache.add(key, 1, timeout=None):
        cache.incr(key)


def test_a_change_announced_elsewhere_empties_the_cache_at_the_next_check(shared, monkeypatch):
    box: TTLCache[str] = TTLCache(60.0, generation="users")
    assert box.get_or_set("k", lambda: "old") == "old"
    bump_elsewhere("users")
    assert box.get_or_set("k", lambda: "new") == "old"  # within the interval the counters are not read again
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    assert box.get_or_set("k", lambda: "new") == "new"


def test_another_counter_leaves_the_cache_alone(shared, monkeypatch):
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    box: TTLCache[str] = TTLCache(60.0, generation="users")
    plain: TTLCache[str] = TTLCache(60.0)
    box.get_or_set("k", lambda: "old")
    plain.get_or_set("k", lambda: "old")
    bump_elsewhere("policy")
    shared_state.bump("keys")
    assert box.get_or_set("k", lambda: "new") == "old"
    shared_state.bump("users")
    assert plain.get_or_set("k", lambda: "new") == "old"  # no counter: its time bound alone


def test_the_process_that_bumps_sees_it_at_once(db):
    box: TTLCache[str] = TTLCache(60.0, generation="keys")
    box.get_or_set("k", lambda: "old")
    shared_state.bump("keys")
    assert box.get_or_set("k", lambda: "new") == "new"


def test_the_bump_is_announced_after_the_commit(shared, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        shared_state.bump_on_commit("gates")
        assert cache.get("fangkong:gen:gates") is None  # not yet: another process would cache the old row
    assert len(callbacks) == 1 and cache.get("fangkong:gen:gates") == 1
    shared_state.bump("gates")
    assert cache.get("fangkong:gen:gates") == 2


def test_an_entry_read_while_a_change_commits_is_stale_once_the_change_is_known(shared, monkeypatch):
    """The race: process B reads the old row, the change commits and bumps, B keeps what it read. Marked
    with the generation from before its read, the entry is dropped at B's next check."""
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    box: TTLCache[str] = TTLCache(60.0, generation="gates")

    def read_old_row_while_the_change_commits() -> str:
        bump_elsewhere("gates")
        return "old"

    assert box.get_or_set("k", read_old_row_while_the_change_commits) == "old"
    assert box.get_or_set("k", lambda: "new") == "new"


def test_a_miss_not_kept_is_read_again(db):
    box: TTLCache[str | None] = TTLCache(60.0, generation="users")
    assert box.get_or_set("k", lambda: None, keep_none=False) is None
    assert box.get_or_set("k", lambda: "found") == "found"
    assert box.get_or_set("j", lambda: None) is None
    assert box.get_or_set("j", lambda: "found") is None  # a kept None is a value


def test_the_check_reads_the_shared_cache_at_most_once_per_interval(shared, monkeypatch):
    reads = []
    real = shared_state._refresh
    monkeypatch.setattr(shared_state, "_refresh", lambda: (reads.append(1), real()))
    box: TTLCache[int] = TTLCache(60.0, generation="users")
    for i in range(100):
        box.get_or_set(i % 3, lambda: 1)
    assert len(reads) == 1


def test_with_the_database_cache_the_check_sends_no_statement(db):
    """The scan path's statements are counted (gates/tests/test_scan_api.py): a counter read from the
    database cache would be one more."""
    clear_all()
    box: TTLCache[int] = TTLCache(60.0, generation="users")
    with CaptureQueriesContext(connection) as ctx:
        box.get_or_set("k", lambda: 1)
        shared_state.bump("users")
        assert box.get_or_set("k", lambda: 2) == 2  # this process's own change, still seen at once
    assert ctx.captured_queries == []


def test_an_unreachable_shared_cache_leaves_the_time_bounds(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1
    clear_all()
    box: TTLCache[int] = TTLCache(60.0, generation="users")
    assert box.get_or_set("k", lambda: 1) == 1
    shared_state.bump("users")  # logged, not raised: the write that bumped has committed
    assert box.get_or_set("k", lambda: 2) == 2
    clear_all()
