"""The dossier timeline: one list of dated events about a person, newest first.

Each feature contributes events through a provider registered here, so later apps (screening,
observation, passes) add to the dossier without the registry importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.registry.models import Person


@dataclass(frozen=True)
class Event:
    when: date | datetime
    kind: str
    title: str
    detail: str = ""

    @property
    def has_time(self) -> bool:
        """An instant (shown with its time of day), not a calendar day."""
        return isinstance(self.when, datetime)


# Whether the reader's role has a permission: providers use it to leave out details some readers may
# not see (a scan's temperature) from events they may.
Can = Callable[[Perm], bool]
Provider = Callable[[Person, Can], list[Event]]
# Each provider with the permission a reader needs to see any of its events: every one declares it.
_providers: list[tuple[Provider, Perm]] = []


def register(*, perm: Perm) -> Callable[[Provider], Provider]:
    """@register(perm=Perm.X): the provider's events reach only readers whose role has `perm`; the
    provider is called with the person and `can`, for details that need more."""
    def add(p: Provider) -> Provider:
        _providers.append((p, perm))
        return p

    return add


@register(perm=Perm.VIEW_REGISTRY)
def _memberships(person: Person, can: Can) -> list[Event]:
    events = []
    for m in person.memberships.select_related("household"):
        events.append(Event(m.start_date, "membership", _("Moved into %(a)s") % {"a": m.household.address},
                            m.get_relation_display()))
        if m.end_date:
            events.append(Event(m.end_date, "membership", _("Left %(a)s") % {"a": m.household.address}))
    for t in person.tenancies_as_tenant.select_related("household"):
        events.append(Event(t.start_date, "tenancy", _("Tenant at %(a)s") % {"a": t.household.address}))
    return events


def timeline(person: Person, *, reader: User | None = None) -> list[Event]:
    """The person's events, newest first; with `reader`, only what the reader's role may see (None: all
    of it, for callers that are not a reader, such as tests of the providers)."""
    def can(perm: Perm) -> bool:
        return reader is None or role_can(reader.role, perm)

    events = [e for p, perm in _providers if can(perm) for e in p(person, can)]

    def key(e: Event) -> datetime:
        # Dates are local calendar days: compare instants in local (Asia/Shanghai) wall time too.
        w = e.when
        if isinstance(w, datetime):
            return timezone.localtime(w).replace(tzinfo=None) if timezone.is_aware(w) else w
        return datetime(w.year, w.month, w.day)

    return sorted(events, key=key, reverse=True)
