"""Gates' part of the dossier: the latest scans and the incidents the person was part of.

A scan is dated when it happened: the device's time (`scanned_at`, an offline scan synced later)
when it sent one, else when the server recorded it (`at`), so a day of offline scans synced the next
morning reads as that day, not as the morning's.

Movements through the gates are for readers of the gate register (`Perm.VIEW_SCANS`); a scan's
temperature and its health reasons, and what a fever incident says, for health roles only
(`Perm.VIEW_HEALTH`), as in the register itself (gates.selectors)."""

from __future__ import annotations

from django.db.models.functions import Coalesce
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
    scans = (Scan.objects.filter(person=person).select_related("gate")
             .annotate(happened=Coalesce("scanned_at", "at")).order_by("-happened", "-id")[:MAX_SCANS])
    for s in scans:
        title = _("%(direction)s at %(gate)s: %(decision)s") % {
            "direction": s.get_direction_display(), "gate": s.gate.name, "decision": s.get_decision_display()}
        h = scan_health(s, health=health)
        detail = " · ".join([str(REASONS.get(r, r)) for r in h.reasons]
                            + ([f"{h.temperature} °C"] if h.temperature is not None else []))
        events.append(Event(s.happened, "scan", title, detail))
    for i in Incident.objects.filter(people=person).select_related("gate"):
        # A guard's description of a fever incident is about the person's health.
        detail = "" if Incident.Kind.FEVER in i.kinds and not health else i.description[:200]
        events.append(Event(i.at, "incident", _("Incident at %(gate)s") % {"gate": i.gate.name}, detail))
    return events
