"""Screening's objects in the audit log (accounts.audit_names): a round by its name, linked to it; a visit by
the household's address and time, linked to its round."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.audit_names import Named, int_ids, model_fields, register
from fangkong.screening.models import Round, Visit


def _rounds(ids: Sequence[str]) -> dict[str, Named]:
    return {str(pk): Named(name, reverse("screening:round_detail", args=[pk]))
            for pk, name in Round.objects.filter(pk__in=int_ids(ids)).values_list("pk", "name")}


def _visits(ids: Sequence[str]) -> dict[str, Named]:
    rows = Visit.objects.filter(pk__in=int_ids(ids)).values_list("pk", "round_id", "household__address", "at")
    return {str(pk): Named(f"{address} · {timezone.localtime(at):%Y-%m-%d %H:%M}",
                           reverse("screening:round_detail", args=[rnd]))
            for pk, rnd, address, at in rows}


register("screening_round", names=_rounds, field_label=model_fields(Round))
register("visit", names=_visits, field_label=model_fields(Visit))
