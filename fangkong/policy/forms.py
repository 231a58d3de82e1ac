"""Input of the policy page: a setting's new value at the community's or its street's level."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.policy.catalogue import SETTINGS


class PolicyValueForm(forms.Form):
    key = forms.ChoiceField(choices=[(s.key, s.label) for s in SETTINGS.values()])
    # Lists and quotas are written as JSON ("[\"湖北省\"]", "{\"temporary\": 1}"); the setting's own parser
    # (policy.catalogue) decides whether the value is valid.
    value = forms.CharField(max_length=2000)
    level = forms.ChoiceField(choices=[("community", _("Community")), ("street", _("Street"))])
    effective_from = forms.DateField(error_messages={"invalid": _("Dates are written 2020-02-24")})
    note = forms.CharField(max_length=200, required=False)

    def clean_value(self):
        raw = self.cleaned_data["value"].strip()
        if raw[:1] in "[{":
            try:
                return json.loads(raw)
            except json.JSONDecodeError:
                raise forms.ValidationError(_("Lists and quotas are written as JSON")) from None
        return raw
