"""Forms of the supplies pages: a movement, a donation (up to three item lines and help in kind)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.supplies.models import Donation, Item, Movement, Place


class MovementForm(forms.Form):
    item = forms.ModelChoiceField(Item.objects.all(), label=_("Item"), to_field_name="code")
    direction = forms.ChoiceField(choices=Movement.Direction.choices, label=_("Direction"))
    reason = forms.ChoiceField(choices=Movement.Reason.choices, label=_("Reason"))
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000, label=_("Quantity"))
    place = forms.ModelChoiceField(Place.objects.none(), required=False, label=_("Place"),
                                   empty_label=_("Community store"))
    new_place = forms.CharField(max_length=64, required=False, label=_("Or a new place (a gate, a site)"))
    note = forms.CharField(max_length=200, required=False, label=_("Note (who received it)"))

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        if community is not None:
            self.fields["place"].queryset = Place.objects.filter(community=community)


class DonationForm(forms.Form):
    LINES = 3

    donor_kind = forms.ChoiceField(choices=Donation.DonorKind.choices, label=_("Donor kind"))
    donor_name = forms.CharField(max_length=64, label=_("Donor"))
    in_kind = forms.CharField(max_length=200, required=False, label=_("Help in kind (a garage, a car, time)"))
    public_thanks = forms.BooleanField(required=False, label=_("The donor agrees to be thanked by name on the "
                                                               "public page"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(self.LINES):
            self.fields[f"item_{n}"] = forms.ModelChoiceField(Item.objects.all(), required=False,
                                                              to_field_name="code", label=_("Item"))
            self.fields[f"quantity_{n}"] = forms.IntegerField(min_value=1, max_value=1_000_000, required=False,
                                                              label=_("Quantity"))

    def lines(self) -> list[tuple[Item, int]]:
        d = self.cleaned_data
        return [(d[f"item_{n}"], d[f"quantity_{n}"]) for n in range(self.LINES)
                if d.get(f"item_{n}") and d.get(f"quantity_{n}")]

    def line_fields(self):
        return [(self[f"item_{n}"], self[f"quantity_{n}"]) for n in range(self.LINES)]
