"""Small per-process TTL caches for the scan hot path (gates, scopes, policy, public keys, tokens).

Each cache says how stale it may be; a change made elsewhere reaches every process within that
time. A cache tied to a generation (`core/shared_state.py`) also drops what was cached before a change
that bumped it: in the process that made the change at once, in other processes within about a second
when the shared cache is Redis. `clear_all()` empties them (tests). docs/scaling-out.md has the table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from fangkong.core import shared_state

V = TypeVar("V")
_all: list[TTLCache] = []

_Generation = tuple[int | None, int] | None


class TTLCache(Generic[V]):
    def __init__(self, seconds: float, max_entries: int = 4096, *, generation: str | None = None) -> None:
        assert generation is None or generation in shared_state.NAMES, generation
        self.seconds = seconds
        self.max_entries = max_entries
        self.generation = generation
        self._data: dict[Hashable, tuple[float, _Generation, V]] = {}
        self._refreshing: set[Hashable] = set()  # keys being read anew by a request of this process
        _all.append(self)

    def _now(self) -> _Generation:
        return shared_state.current(self.generation) if self.generation is not None else None

    def _fresh(self, key: Hashable) -> tuple[float, _Generation, V] | None:
        hit = self._data.get(key)
        if hit is None or time.monotonic() - hit[0] >= self.seconds:
            return None
        return hit if hit[1] == self._now() else None

    def get_or_set(self, key: Hashable, make: Callable[[], V], *, keep_none: bool = True) -> V:
        """The fresh value, else `make()`'s, kept (unless None and not `keep_none`: a miss that must
        not be remembered, such as an unknown token, which may be created the next second).

        When an entry has only aged past `seconds` (no change bumped its generation) and another
        request of this process is already reading it anew, the aged value is returned meanwhile:
        sixteen requests of a gevent worker whose policy entries expire together would otherwise all
        read them again at once (1–2 s of CPU on a busy page)."""
        # The generation before the value is read: a change committed while `make` runs leaves the
        # value marked with the older generation, stale as soon as this process learns of the change.
        generation = self._now()
        hit = self._data.get(key)
        if hit is not None and hit[1] == generation:  # a cached None counts as a value here
            if time.monotonic() - hit[0] < self.seconds or key in self._refreshing:
                return hit[2]
        self._refreshing.add(key)
        try:
            value = make()
        finally:
            self._refreshing.discard(key)
        if value is not None or keep_none:
            self._put(key, generation, value)
        return value

    def get(self, key: Hashable) -> V | None:
        """The value if it is fresh, else None."""
        hit = self._fresh(key)
        return hit[2] if hit is not None else None

    def put(self, key: Hashable, value: V) -> None:
        """Keep a value read just now (prefer `get_or_set`, which marks it with the generation it was read in)."""
        self._put(key, self._now(), value)

    def _put(self, key: Hashable, generation: _Generation, value: V) -> None:
        if len(self._data) >= self.max_entries:
            self._data.clear()
        self._data[key] = (time.monotonic(), generation, value)

    def clear(self) -> None:
        self._data.clear()


def clear_all() -> None:
    for cache in _all:
        cache.clear()
    shared_state.forget()
