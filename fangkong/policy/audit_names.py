"""Policy values in the audit log: the setting by its label and the place it was set for, linked to the
policy page (accounts.audit_names)."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from fangkong.accounts.audit_names import Named, int_ids, register
from fangkong.policy.catalogue import SETTINGS
from fangkong.policy.models import PolicyValue


def _label(key: str) -> str:
    return str(SETTINGS[key].label) if key in SETTINGS else key


def _values(ids: Sequence[str]) -> dict[str, Named]:
    found = {}
    for r in PolicyValue.objects.filter(pk__in=int_ids(ids)).select_related("community", "street", "district"):
        place = r.community or r.street or r.district
        url = reverse("policy:community", args=[r.community.code]) if r.community else reverse("policy:home")
        found[str(r.pk)] = Named(f"{_label(r.key)} · {place.name}", url)
    return found


register("policy", names=_values, field_label=lambda key: _label(key) if key in SETTINGS else None)
