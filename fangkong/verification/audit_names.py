"""The verification app's objects in the audit log (accounts.audit_names): a list by its batch, a row by its
list's batch, its number and the masked name, each linked to the list's page."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.audit_names import Named, int_ids, model_fields, register
from fangkong.core.identifiers import mask_name
from fangkong.verification.models import VerificationList, VerificationRow


def _lists(ids: Sequence[str]) -> dict[str, Named]:
    rows = VerificationList.objects.filter(pk__in=int_ids(ids)).values_list("pk", "batch")
    return {str(pk): Named(batch, reverse("verification:list_detail", args=[pk])) for pk, batch in rows}


def _rows(ids: Sequence[str]) -> dict[str, Named]:
    rows = VerificationRow.objects.filter(pk__in=int_ids(ids)).values_list("pk", "vlist_id", "vlist__batch", "number",
                                                                          "name")
    return {str(pk): Named(f"{batch} #{number} · {mask_name(name)}", reverse("verification:list_detail", args=[vl]))
            for pk, vl, batch, number, name in rows}


register("verification_list", label=_("pushed-down list"), names=_lists, field_label=model_fields(VerificationRow))
register("verification_row", label=_("pushed-down list row"), names=_rows, field_label=model_fields(VerificationRow))
