"""Small per-process TTL caches for the scan hot path (gates, scopes, policy, public keys).

Each cache says how stale it may be; a change made elsewhere reaches every process within that
time. `clear_all()` empties them (tests, and the process that made the change).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_all: list[TTLCache] = []


class TTLCache(Generic[V]):
    def __init__(self, seconds: float, max_entries: int = 4096) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._data: dict[Hashable, tuple[float, V]] = {}
        _all.append(self)

    def _fresh(self, key: Hashable) -> tuple[float, V] | None:
        hit = self._data.get(key)
        return hit if hit is not None and time.monotonic() - hit[0] < self.seconds else None

    def get_or_set(self, key: Hashable, make: Callable[[], V]) -> V:
        if (hit := self._fresh(key)) is not None:  # a cached None counts as a value here
            return hit[1]
        value = make()
        self.put(key, value)
        return value

    def get(self, key: Hashable) -> V | None:
        """The value if it is fresh, else None."""
        hit = self._fresh(key)
        return hit[1] if hit is not None else None

    def put(self, key: Hashable, value: V) -> None:
        if len(self._data) >= self.max_entries:
            self._data.clear()
        self._data[key] = (time.monotonic(), value)

    def clear(self) -> None:
        self._data.clear()


def clear_all() -> None:
    for cache in _all:
        cache.clear()
