"""Gates' part of the dossier: the latest scans and the incidents the person was part of."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fangkong.gates.models import Incident, Scan
from fangkong.passes.errors import REASONS
from fangkong.registry.models import Person
from fangkong.registry.timeline import Event, register

# A resident passes the gate several times a day: the dossier shows the latest, the scan log the rest.
MAX_SCANS = 50


@register
def _gates(person: Person) -> list[Event]:
    events = []
    for s in Scan.objects.filter(person=person).select_related("gate").order_by("-at")[:MAX_SCANS]:
        title = _("%(direction)s at %(gate)s: %(decision)s") % {
            "direction": s.get_direction_display(), "gate": s.gate.name, "decision": s.get_decision_display()}
        detail = " · ".join([str(REASONS.get(r, r)) for r in s.reasons]
                            + ([f"{s.temperature} °C"] if s.temperature is not None else []))
        events.append(Event(s.at, "scan", title, detail))
    for i in Incident.objects.filter(people=person).select_related("gate"):
        events.append(Event(i.at, "incident", _("Incident at %(gate)s") % {"gate": i.gate.name}, i.description[:200]))
    return events
