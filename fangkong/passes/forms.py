from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.passes.models import Pass
from fangkong.passes.selectors import BULK_GROUPS

NUMBER = r"^[0-9]{0,24}$"
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # the ISO value a date picker needs


class PassFilterForm(forms.Form):
    q = forms.RegexField(label=_("Pass number"), regex=NUMBER, required=False, max_length=24)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Pass.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Pass.Status.choices])
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, communities=(), suspended: bool = True, **kwargs) -> None:
        """`suspended`: whether the reader may filter by the suspended status (health permission)."""
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("All communities"))] + [(c.id, c.name) for c in communities]
        if not suspended:
            self.fields["status"].choices = [c for c in self.fields["status"].choices
                                             if c[0] != Pass.Status.SUSPENDED]


class BulkIssueForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"))
    group = forms.ChoiceField(label=_("Who"), choices=[(k, label) for k, (label, _c) in BULK_GROUPS.items()])
    # A vehicle pass needs a plate: issued one by one, not in bulk.
    kind = forms.ChoiceField(label=_("Kind of pass"),
                             choices=[c for c in Pass.Kind.choices if c[0] != Pass.Kind.VEHICLE])
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)

    def __init__(self, *args, communities=(), **kwargs) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {"group": "floating", "kind": Pass.Kind.TEMPORARY, "valid_from": today,
                                      "valid_until": today + timedelta(days=13)})
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.code, c.name) for c in communities]

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", forms.ValidationError(_("A pass cannot end before it starts"),
                                                                code="before_start"))
        return data
