"""Generation counters (core/shared_state.py): a change made by another process empties the local caches
within a check interval when the cache is shared in memory, at once in the process that made it, and the
check costs no SQL statement and at most one cache read per interval."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.accounts.models import ApiToken
from fangkong.accounts.services import scope_grant_add, token_authenticate_for_scans, token_create, user_change
from fangkong.core import shared_state
from fangkong.core.localcache import TTLCache, clear_all
from fangkong.passes import keys
from fangkong.policy.selectors import policy_cache_clear, policy_values_cached

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


def _bump_elsewhere(name: str) -> None:
    """What another server's process does when it makes a change: the shared counter moves, not ours."""
    key = "fangkong:gen:" + name
    if not cache.add(key, 1, timeout=None):
        cache.incr(key)


def _revoke_elsewhere(user) -> None:
    """Another server revokes the user's tokens: the row changes, this process's cache is not told."""
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())


def test_a_token_revoked_on_another_server_stops_at_the_next_check(shared, personas, monkeypatch):
    guard = personas["guard"]
    key = token_create(user=guard)
    assert token_authenticate_for_scans(key) == guard
    _revoke_elsewhere(guard)
    _bump_elsewhere("users")
    # Within the check interval the counters are not read again: the cached user still scans.
    assert token_authenticate_for_scans(key) == guard
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    assert token_authenticate_for_scans(key) is None


def test_without_the_bump_the_revoked_token_stays_cached_for_its_time_bound(shared, personas, monkeypatch):
    # The counterpart of the test above: it is the counter that ends the token early, not the check.
    guard = personas["guard"]
    key = token_create(user=guard)
    assert token_authenticate_for_scans(key) == guard
    _revoke_elsewhere(guard)
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    assert token_authenticate_for_scans(key) == guard


def test_the_process_that_revokes_forgets_at_once_even_without_a_shared_cache(personas,
                                                                             django_capture_on_commit_callbacks):
    guard = personas["guard"]
    key = token_create(user=guard)
    assert token_authenticate_for_scans(key) == guard
    with django_capture_on_commit_callbacks(execute=True):
        token_create(user=guard, replace=True)  # the old one revoked, in this process
    assert token_authenticate_for_scans(key) is None


@pytest.mark.django_db(transaction=True)
def test_a_role_or_scope_change_is_announced_after_its_commit(shared, personas, places):
    from fangkong.accounts.models import ScopeGrant

    guard = personas["guard"]
    before = cache.get("fangkong:gen:users")
    guard.is_active = False
    user_change(actor=personas["admin"], user=guard, fields=["is_active"])
    after_change = cache.get("fangkong:gen:users")
    assert after_change != before
    scope_grant_add(actor=personas["admin"], grant=ScopeGrant(user=guard, community=places["neighbour"]))
    assert cache.get("fangkong:gen:users") == after_change + 1


def test_an_entry_read_while_a_change_commits_is_stale_once_the_change_is_known(shared, monkeypatch):
    """The race: process B reads the old row, the change commits and bumps, B keeps what it read. Marked
    with the generation from before its read, the entry is dropped at B's next check."""
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    box: TTLCache[str] = TTLCache(60.0, generation="gates")

    def read_old_row_while_the_change_commits() -> str:
        _bump_elsewhere("gates")
        return "old"

    assert box.get_or_set("k", read_old_row_while_the_change_commits) == "old"
    assert box.get_or_set("k", lambda: "new") == "new"


def test_a_key_retired_elsewhere_stops_verifying_here(shared, db, monkeypatch):
    first = keys.key_rotate()
    second = keys.key_rotate()
    assert set(keys.public_keys()) == {first.kid, second.kid}
    from fangkong.passes.models import SigningKey

    SigningKey.objects.filter(kid=first.kid).update(retired_at=timezone.now())  # another server's key_retire
    _bump_elsewhere("keys")
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    assert set(keys.public_keys()) == {second.kid}


def test_a_policy_change_elsewhere_reaches_the_scans_cache(shared, places, monkeypatch):
    from fangkong.policy.models import PolicyValue

    home = places["home"]
    today = timezone.localdate()
    assert policy_values_cached(community_id=home.pk, on=today)["observation_days"] == 14
    PolicyValue.objects.create(community=home, key="observation_days", value=7, effective_from=today)
    assert policy_values_cached(community_id=home.pk, on=today)["observation_days"] == 14  # cached
    _bump_elsewhere("policy")
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    assert policy_values_cached(community_id=home.pk, on=today)["observation_days"] == 7


def test_policy_cache_clear_announces_the_change(shared):
    policy_cache_clear()
    assert cache.get("fangkong:gen:policy") == 1


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


def test_an_unreachable_shared_cache_leaves_the_time_bounds(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1
    clear_all()
    box: TTLCache[int] = TTLCache(60.0, generation="users")
    assert box.get_or_set("k", lambda: 1) == 1
    shared_state.bump("users")  # logged, not raised: the write that bumped has committed
    assert box.get_or_set("k", lambda: 2) == 2
    clear_all()
