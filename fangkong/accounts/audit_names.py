"""What the audit log's objects are called: each app names its own objects for the audit page, through
a provider registered here, so the log reads "张** (dossier link) · ID number" rather than
`person #3481 id_number`, without accounts importing the apps above it.

An app adds a module `audit_names.py` that calls `register(...)`; Django's `autodiscover_modules` finds
them all when accounts is ready (apps.AccountsConfig.ready), as the admin finds `admin.py`. A provider
names many objects at once (one query for a page of entries) and never gives a value the audit log does
not hold: a person's name is masked as in every list; a revealed ID number or phone is never there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User


@dataclass(frozen=True)
class Named:
    text: str
    url: str | None = None


Names = Callable[[Sequence[str]], dict[str, Named]]  # object ids (strings) → their names


@dataclass(frozen=True)
class Provider:
    label: str
    names: Names | None = None
    field_label: Callable[[str], str | None] | None = None


_providers: dict[str, Provider] = {}

# Fields named in audit entries across the apps, in words; a provider may name its own.
FIELD_LABELS = {
    "id_number": _("ID number"), "phone": _("phone"), "name": _("full name"), "birth_date": _("birth date"),
    "sex": _("sex"), "workplace": _("workplace"), "household": _("household"), "category": _("residence category"),
    "tags": _("tags"), "address": _("address"), "grid": _("grid"), "building": _("building"), "unit": _("unit"),
    "room": _("room"), "status": _("status"), "role": _("role"), "password": _("password"),
    "display_name": _("display name"), "temperature": _("temperature"), "note": _("note"),
}

# Object types in words, for those no provider names (and as the default label of those that do).
TYPE_LABELS = {
    "person": _("person"), "household": _("household"), "pass": _("pass"), "user": _("user"),
    "policy": _("policy value"), "observation": _("medical observation"), "alert": _("alert"),
    "returnee_report": _("returnee report"), "report_link": _("personal report link"),
    "screening_round": _("screening round"), "visit": _("door-to-door visit"), "travel_record": _("travel record"),
    "followup": _("follow-up"), "observation_site": _("observation site"), "shift": _("duty shift"),
    "incident": _("incident"), "visitor": _("visitor"), "ban": _("ban"), "scope_grant": _("scope grant"),
    "security_alert": _("security alert"), "working_group": _("working group"),
    "working_group_member": _("working group member"), "household_liaison": _("household liaison"),
}


VIA_LABELS = {"web": _("web page"), "api": _("API"), "command": _("command line")}


def register(object_type: str, *, label: str | None = None, names: Names | None = None,
             field_label: Callable[[str], str | None] | None = None) -> None:
    """Name `object_type`'s objects in the audit log: `names(ids)` gives each id's name and link."""
    _providers[object_type] = Provider(label or TYPE_LABELS.get(object_type, object_type), names, field_label)


def type_label(object_type: str) -> str:
    provider = _providers.get(object_type)
    return str(provider.label if provider else TYPE_LABELS.get(object_type, object_type))


def field_label(object_type: str, field: str) -> str:
    """The common label first (a model's field without a verbose name of its own would read in English),
    then the provider's, else the name with spaces."""
    if field in FIELD_LABELS:
        return str(FIELD_LABELS[field])
    provider = _providers.get(object_type)
    own = provider.field_label(field) if provider and provider.field_label else None
    return str(own or field.replace("_", " "))


def names_of(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Named]:
    """The names of (object_type, object_id) pairs: one call of each type's provider for all its ids."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in pairs:
        if object_id:
            by_type[object_type].add(object_id)
    found: dict[tuple[str, str], Named] = {}
    for object_type, ids in by_type.items():
        provider = _providers.get(object_type)
        if provider is None or provider.names is None:
            continue
        for object_id, named in provider.names(sorted(ids)).items():
            found[(object_type, object_id)] = named
    return found


def model_fields(model) -> Callable[[str], str | None]:
    """A provider's `field_label` from its model: a field's verbose name (None for what is not a column)."""
    def label(field: str) -> str | None:
        try:
            return str(model._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:
            return None
    return label


def int_ids(ids: Sequence[str]) -> list[int]:
    """The ids that are whole numbers (an entry's object_id is text): for providers of integer keys."""
    return [int(i) for i in ids if i.isdigit()]


def _users(ids: Sequence[str]) -> dict[str, Named]:
    return {str(u.pk): Named(str(u)) for u in User.objects.filter(pk__in=int_ids(ids)).only("username", "display_name")}


register("user", names=_users)
