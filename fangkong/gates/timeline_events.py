"""Gates' part of the dossier: the latest scans and the incidents the person was part of.

Movements through the gates are for readers of the gate register (`Perm.VIEW_SCANS`); a scan's
temperature and its health reasons, and what a fever incident says, for health roles only
(`Perm.VIEW_HEALTH`), as in the register itself (gates.selectors)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fangkong.accounts.roles import Perm
from fangkong.gates.models import Incident, Scan
from fangkong.gates.selectors import scan_health
from fangkong.passes.errors import REASONS
from fangkong.registry.models import Person
from fangkong.registry.timeline import Can, Event, register

# A resident passes the gate several times a day: the dossier shows the latest, the scan log the rest.
MAX_SCANS = 50


@register(perm=Perm.VIEW_SCANS)
def _gates(person: Person, can: Can) -> list[Event]:
    health = can(Perm.VIEW_HEALTH)
    events = []
    for s in Scan.objects.filter(person=person).select_related("gate").order_by("-at")[:MAX_SCANS]:
        title = _("%(direction)s at %(gate)s: %(decision)s") % {
            "direction": s.get_direction_display(), "gate": s.gate.name, "decision": s.get_decision_display()}
        h = scan_health(s, health=health)
        detail = " · ".join([str(REASONS.get(r, r)) for r in h.reasons]
                            + ([f"{h.temperature} °C"] if h.temperature is not None else []))
        events.append(Event(s.at, "scan", title, detail))
    for i in Incident.objects.filter(people=person).select_related("gate"):
        # A guard's description of a fever incident is about the person's health.
        detail = "" if Incident.Kind.FEVER in i.kinds and not health else i.description[:200]
        events.append(Event(i.at, "incident", _("Incident at %(gate)s") % {"gate": i.gate.name}, detail))
    return events
