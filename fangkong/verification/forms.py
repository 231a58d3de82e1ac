"""Forms of the verification pages: parsing only; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.verification.models import VerificationRow
from fangkong.verification.uploads import check_upload

STATE_CHOICES = [("open", _("To check")), ("checked", _("Checked")), ("", _("All")),
                 *VerificationRow.Outcome.choices]


class UploadForm(forms.Form):
    street = forms.ChoiceField(label=_("Street"))
    batch = forms.CharField(label=_("Batch"), max_length=64,
                            help_text=_("e.g. the date and the sender: 12月3日区指挥部第5批"))
    file = forms.FileField(label=_("File (.xlsx, .xls, .ods or .csv)"))

    def __init__(self, *args, streets=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = [(s.code, s.name) for s in streets]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except Exception as exc:  # the FieldError of the shared check, as a form error
            raise forms.ValidationError(getattr(exc, "message", str(exc))) from None
        return upload


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VerificationRow.Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AssignForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"))

    def __init__(self, *args, communities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.code, c.name) for c in communities]


class RowFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), choices=STATE_CHOICES, required=False)
    community = forms.ChoiceField(label=_("Community"), required=False)

    def __init__(self, *args, communities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("All")), *((c.code, c.name) for c in communities)]
