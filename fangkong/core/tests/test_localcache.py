"""`TTLCache.get_or_set` reads an aged entry anew once per process, not once per waiting request; a change
(a bumped generation) is never answered from the aged value."""

from fangkong.core import localcache, shared_state
from fangkong.core.localcache import TTLCache


def _age(box: TTLCache, monkeypatch, seconds: float) -> None:
    now = localcache.time.monotonic()
    monkeypatch.setattr(localcache.time, "monotonic", lambda: now + seconds)


def test_an_aged_entry_is_read_anew_once_while_others_keep_the_old_value(monkeypatch):
    box: TTLCache[str] = TTLCache(30.0)
    assert box.get_or_set("policy", lambda: "old") == "old"
    _age(box, monkeypatch, 31)
    calls, seen = [], []

    def make():  # while one request reads anew, the others of the worker ask for the same key
        calls.append(1)
        seen.append(box.get_or_set("policy", lambda: calls.append(1) or "herd"))
        return "new"

    assert box.get_or_set("policy", make) == "new"
    assert seen == ["old"] and len(calls) == 1
    assert box.get_or_set("policy", lambda: "again") == "new"  # kept, fresh


def test_a_change_is_not_answered_from_the_aged_value(db, monkeypatch):
    box: TTLCache[str] = TTLCache(30.0, generation="policy")
    assert box.get_or_set("policy", lambda: "old") == "old"
    _age(box, monkeypatch, 31)
    seen = []

    def make():
        shared_state.bump("policy")  # a change lands while the entry is being read anew
        seen.append(box.get_or_set("policy", lambda: "after the change"))
        return "read before it"

    box.get_or_set("policy", make)
    assert seen == ["after the change"]
    # The value read before the change is kept under the older generation: stale at once, read anew.
    assert box.get_or_set("policy", lambda: "current") == "current"


def test_a_failed_read_leaves_nobody_waiting_on_it(monkeypatch):
    box: TTLCache[str] = TTLCache(30.0)
    box.get_or_set("k", lambda: "old")
    _age(box, monkeypatch, 31)

    def fail():
        raise RuntimeError("database gone")

    try:
        box.get_or_set("k", fail)
    except RuntimeError:
        pass
    assert box.get_or_set("k", lambda: "new") == "new"  # the next request reads anew, not the aged value
