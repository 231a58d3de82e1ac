"""Forms of the daily report pages: the typed fields, the submission, the correction, the day picker."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ClientDateField
from fangkong.reports.typed import MAX_COUNT, TYPED_FIELDS


class DayForm(forms.Form):
    community = forms.CharField(label=_("Community"), max_length=24, required=False)
    day = ClientDateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class TypedForm(forms.Form):
    """One field per typed field of the report (reports/typed.py), labelled in both languages."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for f in TYPED_FIELDS:
            label = f"{f.label_zh} · {f.label}"
            if f.kind == "count":
                self.fields[f.key] = forms.IntegerField(label=label, required=False, min_value=0, max_value=MAX_COUNT,
                                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
            else:
                self.fields[f.key] = forms.CharField(
                    label=label, required=False, max_length=f.max_length,
                    widget=forms.Textarea(attrs={"rows": 2}) if f.max_length > 200 else forms.TextInput())


class SubmitForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CorrectionForm(TypedForm):
    correction_reason = forms.CharField(label=_("Reason for the correction"), max_length=500)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RemindForm(forms.Form):
    message = forms.CharField(label=_("Message"), max_length=300, required=False)
