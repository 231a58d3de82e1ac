"""Screening's part of the dossier: visits where the person was found, and travel or contact records."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fangkong.accounts.roles import Perm
from fangkong.registry.models import Person
from fangkong.registry.timeline import Can, Event, register
from fangkong.screening.models import TravelRecord, VisitPerson


# Temperatures and symptoms at the door: for those who screen, not for the street office.
@register(perm=Perm.SCREEN)
def _screening(person: Person, can: Can) -> list[Event]:
    events = []
    for vp in VisitPerson.objects.filter(person=person).select_related("visit__household", "visit__round"):
        v = vp.visit
        detail = [v.round.name]
        if vp.temperature is not None:
            detail.append(f"{vp.temperature} °C")
        if vp.symptoms:
            detail.append(", ".join(vp.symptoms))
        if vp.added_on_spot:
            detail.append(_("added to the registry on the spot"))
        title = _("Seen at a door-to-door visit") if vp.present else _("Away at a door-to-door visit")
        events.append(Event(v.at, "visit", title, " · ".join(detail)))
    for r in TravelRecord.objects.filter(person=person):
        what = r.place or r.get_contact_display()
        when = r.returned_on or r.left_on or r.recorded_at
        detail = " · ".join(x for x in [r.get_contact_display() if r.contact and r.place else "", r.transport,
                                        r.get_source_display()] if x)
        events.append(Event(when, "travel", _("Travel or contact: %(what)s") % {"what": what}, detail))
    return events
