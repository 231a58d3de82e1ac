"""Sanitation's objects in the audit log (accounts.audit_names): an area by its name, a disinfection by its
area and time, a patrol by its kind and time — linked to the sanitation pages."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.audit_names import Named, int_ids, model_fields, register
from fangkong.sanitation.models import Area, Disinfection, Patrol


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _when(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _areas(ids: Sequence[str]) -> dict[str, Named]:
    return {str(a.pk): Named(a.name, _url("sanitation:area_list"))
            for a in Area.objects.filter(pk__in=int_ids(ids)).only("name")}


def _disinfections(ids: Sequence[str]) -> dict[str, Named]:
    return {str(d.pk): Named(f"{d.area.name} · {_when(d.at)}", _url("sanitation:log"))
            for d in Disinfection.objects.filter(pk__in=int_ids(ids)).select_related("area")}


def _patrols(ids: Sequence[str]) -> dict[str, Named]:
    return {str(p.pk): Named(f"{p.get_kind_display()} · {_when(p.started_at)}", _url("sanitation:patrol_list"))
            for p in Patrol.objects.filter(pk__in=int_ids(ids))}


register("area", label=_("public area"), names=_areas, field_label=model_fields(Area))
register("disinfection", label=_("disinfection"), names=_disinfections, field_label=model_fields(Disinfection))
register("patrol", label=_("patrol"), names=_patrols, field_label=model_fields(Patrol))
