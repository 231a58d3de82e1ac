"""Passes' part of the dossier: passes issued and revoked."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fangkong.accounts.roles import Perm
from fangkong.passes.models import Pass
from fangkong.registry.models import Person
from fangkong.registry.timeline import Can, Event, register


@register(perm=Perm.VIEW_PASSES)
def _passes(person: Person, can: Can) -> list[Event]:
    events = []
    for p in Pass.objects.filter(person=person):
        events.append(Event(p.issued_at, "pass", _("%(kind)s %(number)s issued") % {
            "kind": p.get_kind_display(), "number": p.number}, f"{p.valid_from} – {p.valid_until}"))
        if p.revoked_at:
            events.append(Event(p.revoked_at, "pass", _("Pass %(number)s revoked") % {"number": p.number},
                                p.revoked_reason))
    return events
