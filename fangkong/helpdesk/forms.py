"""Forms of the helpdesk pages: the resident's public form and the office's forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import FieldError
from fangkong.core.identifiers import normalise_phone
from fangkong.helpdesk.models import Request
from fangkong.helpdesk.services import TEXT_MAX, TEXT_MIN

_TEXT_ERRORS = {
    "required": _("Please write what you need"),
    "min_length": _("Please write at least %(limit_value)d characters") % {"limit_value": TEXT_MIN},
    "max_length": _("Please write at most %(limit_value)d characters") % {"limit_value": TEXT_MAX},
}


def _no_nul(value: str) -> str:
    return (value or "").replace("\x00", "").strip()


class PublicRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=Request.Kind.choices, initial=Request.Kind.REQUEST)
    text = forms.CharField(label=_("Your message"), min_length=TEXT_MIN, max_length=TEXT_MAX,
                           error_messages=_TEXT_ERRORS,
                           widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX}))
    contact = forms.CharField(label=_("Phone (optional, so that we can call you back)"), required=False,
                              max_length=32, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def clean_text(self) -> str:
        text = _no_nul(self.cleaned_data["text"])
        if len(text) < TEXT_MIN:
            raise forms.ValidationError(_TEXT_ERRORS["min_length"])
        return text

    def clean_contact(self) -> str:
        raw = _no_nul(self.cleaned_data.get("contact", ""))
        if not raw:
            return ""
        try:
            return normalise_phone(raw)
        except FieldError as exc:
            raise forms.ValidationError(exc.message) from exc


class OfficeRequestForm(PublicRequestForm):
    channel = forms.ChoiceField(label=_("Received by"), choices=[
        c for c in Request.Channel.choices if c[0] != Request.Channel.PUBLIC])
    received_at = forms.DateTimeField(label=_("Received at (empty: now)"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    field_order = ["channel", "kind", "text", "contact", "received_at"]


class StepForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
