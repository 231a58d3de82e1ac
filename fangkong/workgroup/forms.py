"""Input of the org chart page: a new member of the community's working group."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.workgroup.models import Member


class MemberForm(forms.Form):
    name = forms.CharField(label=_("full name"), max_length=64)
    position = forms.ChoiceField(label=_("position"), choices=Member.Position.choices)
    duties = forms.CharField(label=_("duties"), max_length=200, required=False)
    reports_to = forms.TypedChoiceField(label=_("reports to"), coerce=int, required=False, empty_value=None)
    grid = forms.TypedChoiceField(label=_("grid"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, members: list[Member], grids: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reports_to"].choices = [("", "—"), *((m.id, f"{m.name}（{m.get_position_display()}）")
                                                          for m in members)]
        self.fields["grid"].choices = [("", "—"), *((g.id, g.name) for g in grids)]
