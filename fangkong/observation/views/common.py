"""What the observation pages share: field errors onto forms, the `next` target, links' URLs and QR codes."""

from __future__ import annotations

import segno
from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from fangkong.accounts.roles import Perm
from fangkong.core.errors import DomainError
from fangkong.core.health import Symptom
from fangkong.observation.models import FollowUp, ReportLink

_SYMPTOMS = dict(Symptom.choices)


def put_errors(form: forms.BaseForm, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """A service's field errors next to the form field they name (or its alias), else above the form.
    A refusal of the whole request (404, 403) is not the form's: it goes on to the error page."""
    if not exc.field_errors:
        raise exc
    for e in exc.field_errors:
        name = (aliases or {}).get(e.field, e.field)
        form.add_error(name if name in form.fields and not form.fields[name].widget.is_hidden else None, e.message)


def qr_svg(text: str) -> str:
    """The QR code of `text` as an inline, scalable SVG (error correction M, white quiet zone)."""
    svg = segno.make_qr(text, error="m", boost_error=False).svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None, light="#fff")
    return mark_safe(svg)  # noqa: S308 -- segno writes the markup; the text only becomes modules


def public_url(request, kind: str, token: str) -> str:
    """The absolute URL of a link's public page: the short path when fangkong/urls.py includes
    observation.public_urls, else the one under /observation/."""
    name = "self_followup" if kind == ReportLink.Kind.FOLLOWUP else "landlord_report"
    for namespace in ("observation_public", "observation"):
        try:
            return request.build_absolute_uri(reverse(f"{namespace}:{name}", args=[token]))
        except NoReverseMatch:
            continue
    raise NoReverseMatch(name)


def link_perm(kind: str) -> Perm:
    return Perm.FOLLOW_UP if kind == ReportLink.Kind.FOLLOWUP else Perm.CONFIRM_RETURNEES


def with_symptom_labels(followups: list[FollowUp]) -> list[FollowUp]:
    for f in followups:
        f.symptom_labels = [_SYMPTOMS.get(s, s) for s in f.symptoms]
    return followups
