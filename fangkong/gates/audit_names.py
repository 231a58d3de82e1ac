"""The gates' objects in the audit log (accounts.audit_names): a duty shift by its gate and hours, linked to
the gate's week; an incident by its gate and time; a visitor by the masked name and the gate."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fangkong.accounts.audit_names import Named, int_ids, model_fields, register
from fangkong.core.identifiers import mask_name
from fangkong.gates.models import Incident, Shift, Visitor


def _week(code: str) -> str | None:
    try:
        return reverse("gates:roster_week", args=[code])
    except NoReverseMatch:
        return None


def _when(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _shifts(ids: Sequence[str]) -> dict[str, Named]:
    return {str(s.pk): Named(f"{s.gate.name} · {_when(s.starts_at)}–{timezone.localtime(s.ends_at):%H:%M}",
                             _week(s.gate.code))
            for s in Shift.objects.filter(pk__in=int_ids(ids)).select_related("gate")}


def _incidents(ids: Sequence[str]) -> dict[str, Named]:
    return {str(i.pk): Named(f"{i.gate.name} · {_when(i.at)}")
            for i in Incident.objects.filter(pk__in=int_ids(ids)).select_related("gate")}


def _visitors(ids: Sequence[str]) -> dict[str, Named]:
    return {str(v.pk): Named(f"{mask_name(v.name)} · {v.gate.name}")
            for v in Visitor.objects.filter(pk__in=int_ids(ids)).select_related("gate").only("name", "gate__name")}


register("shift", names=_shifts, field_label=model_fields(Shift))
register("incident", names=_incidents, field_label=model_fields(Incident))
register("visitor", names=_visitors, field_label=model_fields(Visitor))
