"""Observation's part of the dossier: returnee reports, observations, follow-ups and alerts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fangkong.accounts.roles import Perm
from fangkong.observation.models import Alert, FollowUp, Observation, ReturneeReport
from fangkong.registry.models import Person
from fangkong.registry.timeline import Can, Event, register


# Reports, observations, temperatures and alerts are health data: for those who follow people up.
@register(perm=Perm.VIEW_OBSERVATION)
def _observation(person: Person, can: Can) -> list[Event]:
    events = []
    for r in ReturneeReport.objects.filter(person=person):
        events.append(Event(r.reported_at, "returnee",
                            _("Reported returning from %(place)s") % {"place": r.from_place},
                            f"{r.arrival_date} · {r.get_via_display()} · {r.get_status_display()}"))
    for o in Observation.objects.filter(person=person).select_related("site"):
        where = o.site.name if o.site else ""
        events.append(Event(o.start, "observation", _("%(kind)s started") % {"kind": o.get_kind_display()},
                            " · ".join(x for x in [f"{o.start} – {o.planned_end}", where, o.reason] if x)))
        if o.ended_at:
            events.append(Event(o.ended_at, "observation", _("Observation ended: %(s)s") % {
                "s": o.get_status_display()}, o.end_reason))
    for f in FollowUp.objects.filter(observation__person=person):
        detail = ", ".join(f.symptoms)
        events.append(Event(f.at, "followup", _("Follow-up: %(t)s °C") % {"t": f.temperature}
                            + (" ⚠" if f.fever else ""), " · ".join(x for x in [detail, f.get_source_display()] if x)))
    for a in Alert.objects.filter(person=person):
        events.append(Event(a.raised_at, "alert", _("Alert: %(kind)s") % {"kind": a.get_kind_display()},
                            " · ".join(x for x in [a.detail, a.get_status_display(), a.action] if x)))
    return events
