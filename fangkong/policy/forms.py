"""Input of the policy page: one setting's new value, at the community's or its street's level, with the
widget its kind of value needs (checkboxes for pass kinds, a number per kind for the exit quota, a text
area for the guard's instruction): no one writes program syntax. The setting's own parser
(policy.catalogue) still decides whether the value is valid, in policy.services.policy_set."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ClientDateField
from fangkong.policy.catalogue import PASS_KINDS, SETTINGS
from fangkong.policy.display import (
    COMPARISON_LABELS,
    OFFLINE_EXIT_LABELS,
    PASS_KIND_LABELS,
    RETURNEE_MODE_LABELS,
    join_words,
)

_DAYS = {"observation_days", "key_area_window_days"}
_NUMERIC = {"inputmode": "numeric"}


def _value_field(key: str, current: Any) -> forms.Field | None:
    """The field for one setting's value (None for the exit quota, which has one field per pass kind)."""
    if key in _DAYS:
        return forms.IntegerField(label=_("Days"), min_value=1, widget=forms.NumberInput(attrs=_NUMERIC))
    if key == "offline_stale_minutes":
        return forms.IntegerField(label=_("Minutes"), min_value=1, max_value=1440,
                                  widget=forms.NumberInput(attrs=_NUMERIC))
    if key == "offline_exit":
        return forms.ChoiceField(label=_("An exit with a daily limit, offline"), widget=forms.RadioSelect,
                                 choices=list(OFFLINE_EXIT_LABELS.items()))
    if key == "followups_per_day":
        return forms.IntegerField(label=_("Follow-ups a day"), min_value=1)
    if key == "fever_threshold":
        return forms.DecimalField(label=_("Temperature (°C)"), decimal_places=1, max_digits=3,
                                  widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}))
    if key == "fever_comparison":
        return forms.ChoiceField(label=_("A fever is a temperature"), widget=forms.RadioSelect,
                                 choices=list(COMPARISON_LABELS.items()))
    if key == "gate_fever_instruction":
        return forms.CharField(label=_("Instruction"), max_length=300,
                               widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}))
    if key == "exit_quota":
        return None
    if key == "id_required":
        return forms.MultipleChoiceField(label=_("Pass kinds"), required=False, widget=forms.CheckboxSelectMultiple,
                                         choices=list(PASS_KIND_LABELS.items()))
    if key == "key_areas":
        return forms.CharField(label=_("Areas"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("Provinces or cities, separated by commas or 、"))
    if key == "returnee_observation":
        return forms.ChoiceField(label=_("Who starts observation"), widget=forms.RadioSelect,
                                 choices=list(RETURNEE_MODE_LABELS.items()))
    if key == "work_resumption_date":
        return ClientDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": _("Dates are written 2020-02-24")})
    if key == "report_cutoff":
        return forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                               error_messages={"invalid": _("Times are written 16:00")})
    return forms.CharField(label=_("Value"), max_length=2000)


def _initial(key: str, current: Any) -> Any:
    if key == "key_areas" and isinstance(current, list):
        return join_words(current)
    return current


class PolicyValueForm(forms.Form):
    """A new value for `setting`, prefixed by its key so that every setting's form has its own ids on the
    one page. `value_for_policy()` gives the value as policy stores it."""

    level = forms.ChoiceField(label=_("For"))
    effective_from = ClientDateField(label=_("Effective from"),
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                     error_messages={"invalid": _("Dates are written 2020-02-24")})
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, key: str, community, current: Any = None, levels=("community", "street"),
                 **kwargs) -> None:
        """`levels`: where the reader may set it (policy.services.policy_levels)."""
        kwargs.setdefault("prefix", key)
        super().__init__(*args, **kwargs)
        self.key = key
        self.setting = SETTINGS[key]
        value = _value_field(key, current)
        fields: dict[str, forms.Field] = {}
        if value is not None:
            value.initial = _initial(key, current)
            fields["value"] = value
        else:  # the exit quota: a number for each pass kind, empty for no limit
            quota = current if isinstance(current, dict) else {}
            for kind in PASS_KINDS:
                fields[f"quota_{kind}"] = forms.IntegerField(
                    label=PASS_KIND_LABELS[kind], required=False, min_value=0, initial=quota.get(kind),
                    help_text=_("exits a day; empty: no limit"), widget=forms.NumberInput(attrs=_NUMERIC))
        # The value first, then where and from when.
        self.fields = {**fields, **self.fields}
        names = {"community": _("%(place)s (this community)") % {"place": community.name},
                 "street": _("%(place)s (every community of the street)") % {"place": community.street.name}}
        self.fields["level"].choices = [(level, names[level]) for level in levels]

    def value_for_policy(self) -> Any:
        d = self.cleaned_data
        if self.key == "exit_quota":
            return {kind: d.get(f"quota_{kind}") for kind in PASS_KINDS}
        value = d.get("value")
        if self.key == "fever_threshold":
            return str(value)
        if self.key == "work_resumption_date":
            return value.isoformat()
        if self.key == "report_cutoff":
            return value.strftime("%H:%M")
        if self.key == "id_required":
            return list(value or [])
        return value
