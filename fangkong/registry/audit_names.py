"""The registry's objects in the audit log: a person by their masked name with a link to the dossier,
a household by its address (accounts.audit_names)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.audit_names import Named, int_ids, register
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


def _person_field(field: str) -> str | None:
    try:
        return str(Person._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # not a column (id_number, phone: stored encrypted): the common label
        return None


register("person", names=_people, field_label=_person_field)
register("household", names=_households)
