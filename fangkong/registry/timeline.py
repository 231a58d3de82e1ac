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


Provider = Callable[[Person], list[Event]]
# Each provider with the permission a reader needs to see its events (None: whoever sees the person).
_providers: list[tuple[Provider, Perm | None]] = []


def register(provider: Provider | None = None, *, perm: Perm | None = None):
    """Use as @register, or @register(perm=Perm.X) for events only some roles may read (health data)."""
    def add(p: Provider) -> Provider:
        _providers.append((p, perm))
        return p

    return add(provider) if provider is not None else add


@register
def _memberships(person: Person) -> list[Event]:
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
    """The person's events, newest first; with `reader`, only those the reader's role may see."""
    events = [e for p, perm in _providers
              if perm is None or reader is None or role_can(reader.role, perm) for e in p(person)]

    def key(e: Event) -> datetime:
        # Dates are local calendar days: compare instants in local (Asia/Shanghai) wall time too.
        w = e.when
        if isinstance(w, datetime):
            return timezone.localtime(w).replace(tzinfo=None) if timezone.is_aware(w) else w
        return datetime(w.year, w.month, w.day)

    return sorted(events, key=key, reverse=True)
