"""Forms of the shops pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from fangkong.shops.models import Category, Inspection, MerchantProfile


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_l("kind"), required=False, choices=[("", _l("all kinds")), *Category.choices])


class InspectionForm(forms.Form):
    day = forms.DateField(label=_l("date"), widget=forms.DateInput(attrs={"type": "date"}))
    prices = forms.CharField(label=_l("prices"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
                             help_text=_l("One item a line: item, unit, price — e.g. cabbage, kg, 3.50"))
    stock = forms.ChoiceField(label=_l("stock level"), choices=Inspection.Stock.choices)
    hygiene_ok = forms.BooleanField(label=_l("hygiene in order"), required=False, initial=True)
    protection_ok = forms.BooleanField(label=_l("protection in order"), required=False, initial=True)
    findings = forms.CharField(label=_l("findings"), required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 3}))

    def clean_prices(self) -> list[dict]:
        rows = []
        for n, line in enumerate(self.cleaned_data["prices"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) != 3:
                raise forms.ValidationError(_("Line %(n)d: write item, unit, price") % {"n": n})
            rows.append({"item": parts[0], "unit": parts[1], "price": parts[2]})
        if not rows:
            raise forms.ValidationError(_("Give at least one price"))
        return rows


class ProfileForm(forms.Form):
    category = forms.ChoiceField(label=_l("category"), choices=Category.choices)
    owner_name = forms.CharField(label=_l("owner"), required=False, max_length=64)
    owner_phone = forms.CharField(label=_l("owner phone (leave empty to keep)"), required=False, max_length=20)
    opening = forms.ChoiceField(label=_l("opening state"), choices=MerchantProfile.Opening.choices)
    note = forms.CharField(label=_l("note"), required=False, max_length=200)


class StaffForm(forms.Form):
    id_number = forms.CharField(label=_l("ID number of a registered person"), max_length=32)
    role = forms.CharField(label=_l("role"), required=False, max_length=32)


class PassForm(forms.Form):
    valid_from = forms.DateField(label=_l("valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_l("valid until"), widget=forms.DateInput(attrs={"type": "date"}))


class CloseForm(forms.Form):
    action = forms.CharField(label=_l("action taken"), max_length=200)
