"""Flags shown beside a person wherever they appear (lists, dossier, visit forms, observation lists).

Like the dossier timeline, later features contribute flags through a provider registered here, so
the registry shows "key-area history" without importing screening.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    detail: str = ""


# A provider takes person ids and returns the flags of those that have any.
Provider = Callable[[list[int]], dict[int, list[Flag]]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def person_flags(person_ids: Iterable[int]) -> dict[int, list[Flag]]:
    ids = sorted(set(person_ids))
    out: dict[int, list[Flag]] = {}
    if not ids:
        return out
    for provider in _providers:
        for pid, flags in provider(ids).items():
            out.setdefault(pid, []).extend(flags)
    return out
