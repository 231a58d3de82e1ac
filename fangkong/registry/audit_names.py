"""The registry's objects in the audit log: a person by their masked name with a link to the dossier,
a household by its address (accounts.audit_names)."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.audit_names import Named, int_ids, model_fields, register
from fangkong.core.identifiers import mask_name
from fangkong.registry.models import Household, Person


def _people(ids: Sequence[str]) -> dict[str, Named]:
    rows = Person.objects.filter(pk__in=int_ids(ids)).values_list("pk", "name", "purged_at")
    return {str(pk): Named(_("anonymised person") if purged or not name else mask_name(name),
                           None if purged else reverse("registry:person_detail", args=[pk]))
            for pk, name, purged in rows}


def _households(ids: Sequence[str]) -> dict[str, Named]:
    return {str(h.pk): Named(h.address, reverse("registry:household_detail", args=[h.pk]))
            for h in Household.objects.filter(pk__in=int_ids(ids))}


register("person", names=_people, field_label=model_fields(Person))
register("household", names=_households, field_label=model_fields(Household))
