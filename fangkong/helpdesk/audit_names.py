"""The helpdesk's objects in the audit log (accounts.audit_names): a request by its number, kind and the start
of its text — the text is the resident's, never their phone — linked to its page."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.audit_names import Named, int_ids, model_fields, register
from fangkong.helpdesk.models import Request


def _requests(ids: Sequence[str]) -> dict[str, Named]:
    rows = Request.objects.filter(pk__in=int_ids(ids)).values_list("pk", "kind", "text")
    kinds = dict(Request.Kind.choices)
    return {str(pk): Named(f"#{pk} · {kinds.get(kind, kind)} · {text[:30]}", reverse("helpdesk:detail", args=[pk]))
            for pk, kind, text in rows}


register("request", label=_("resident's request"), names=_requests, field_label=model_fields(Request))
