"""Generation counters: how a change made in one server process reaches the per-process caches
(`core/localcache.py`) of every other process, on every app server, within about a second.

A write that other processes must see sooner than a cache's time bound (a token revoked, a user's role or
scope changed, a signing key retired, a policy value set) bumps its counter after the commit
(`bump_on_commit`). Each process reads all the counters in one cache GET at most once per `CHECK_SECONDS`,
never once per scan; a cached entry made under an older counter is then stale.

The counters live in the shared cache only when it is an in-memory one (Redis, `REDIS_URL`). With the
database cache that GET would be an SQL statement on the scan path, whose statements a test counts: the
caches then keep their own time bound between processes (docs/scaling-out.md). The process that makes
a change always sees it at once, through a local counter that it bumps too.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction

# Each counter and the caches it invalidates:
# users: the scan token cache (accounts.services), the scan's scopes (gates.scanning);
# keys: the signing keys (passes.keys); policy: the scan's policy values (policy.selectors);
# gates: the scan's gates by code (gates.scanning).
NAMES = ("users", "keys", "policy", "gates")
CHECK_SECONDS = 1.0
_PREFIX = "fangkong:gen:"

_log = logging.getLogger("fangkong.shared_state")
_local: Counter[str] = Counter()  # bumps made by this process, seen here at once
_shared: dict[str, int | None] = {}  # the counters as last read from the shared cache
_checked_at = float("-inf")


def _shared_cache():
    """The default cache when other processes can read it without a database statement, else None."""
    cache = caches["default"]
    return None if isinstance(cache, DatabaseCache) else cache


def _refresh() -> None:
    global _checked_at
    _checked_at = time.monotonic()
    cache = _shared_cache()
    if cache is None:
        return
    try:
        got = cache.get_many([_PREFIX + name for name in NAMES])
    except Exception:  # the cache down: the caches' own time bounds still hold
        _log.warning("shared cache unreachable; local caches fall back to their time bounds")
        return
    for name in NAMES:
        _shared[name] = got.get(_PREFIX + name)


def current(name: str) -> tuple[int | None, int]:
    """The generation of `name` as this process knows it: read again at most every CHECK_SECONDS."""
    if time.monotonic() - _checked_at >= CHECK_SECONDS:
        _refresh()
    return _shared.get(name), _local[name]


def bump(name: str) -> None:
    """Mark every cached entry of `name` stale, here at once and in other processes within CHECK_SECONDS."""
    assert name in NAMES, name
    _local[name] += 1
    cache = _shared_cache()
    if cache is None:
        return
    key = _PREFIX + name
    try:
        if not cache.add(key, 1, timeout=None):
            cache.incr(key)
    except Exception:  # the cache down: other processes see the change within the cache's time bound
        _log.warning("shared cache unreachable; %s change not announced to other processes", name)


def bump_on_commit(name: str) -> None:
    """`bump` once the surrounding transaction commits (at once outside one): before that, another
    process reloading the entry would read the old row and cache it under the new generation."""
    transaction.on_commit(lambda: bump(name))


def forget() -> None:
    """Read the shared counters again at the next use (tests, after changing the cache settings)."""
    global _checked_at
    _checked_at = float("-inf")
    _shared.clear()
