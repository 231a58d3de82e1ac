"""Passes in the audit log: by their number, linked to the pass list filtered to it (accounts.audit_names)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.urls import reverse

from fangkong.accounts.audit_names import Named, int_ids, model_fields, register
from fangkong.passes.models import Pass


def _passes(ids: Sequence[str]) -> dict[str, Named]:
    rows = Pass.objects.filter(pk__in=int_ids(ids)).values_list("pk", "number")
    return {str(pk): Named(number, f"{reverse('passes:pass_list')}?{urlencode({'q': number})}") for pk, number in rows}


register("pass", names=_passes, field_label=model_fields(Pass))
