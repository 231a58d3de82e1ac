"""Flags shown beside a person wherever they appear (lists, dossier, visit forms, observation lists).

Like the dossier timeline, later features contribute flags through a provider registered here, so
the registry shows "key-area history" without importing screening. Flags are computed for a reader:
each provider declares the permission a reader needs (a key-area flag is health information), and a
reader without it gets none of that provider's flags, in pages and the API alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    detail: str = ""


# A provider takes person ids and returns the flags of those that have any.
Provider = Callable[[list[int]], dict[int, list[Flag]]]
_providers: list[tuple[Provider, Perm]] = []


def register(*, perm: Perm) -> Callable[[Provider], Provider]:
    """@register(perm=Perm.X): the provider's flags reach only readers whose role has `perm`."""
    def add(provider: Provider) -> Provider:
        _providers.append((provider, perm))
        return provider

    return add


def person_flags(person_ids: Iterable[int], *, reader: User) -> dict[int, list[Flag]]:
    """The flags `reader` may see of these people; providers the reader may not see are not even run."""
    ids = sorted(set(person_ids))
    out: dict[int, list[Flag]] = {}
    if not ids:
        return out
    for provider, perm in _providers:
        if not role_can(reader.role, perm):
            continue
        for pid, flags in provider(ids).items():
            out.setdefault(pid, []).extend(flags)
    return out
