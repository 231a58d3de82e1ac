"""Forms of the sanitation pages (the rules are in services; these only parse)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.sanitation.models import Area, Patrol


class AreaForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("community"))
    kind = forms.ChoiceField(choices=Area.Kind.choices, label=_("kind"))
    name = forms.CharField(max_length=80, label=_("name"))
    building = forms.CharField(max_length=40, required=False, label=_("building"))
    every = forms.IntegerField(min_value=1, max_value=999, initial=1, label=_("every"))
    unit = forms.ChoiceField(choices=Area.Unit.choices, initial=Area.Unit.DAYS, label=_("unit"))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        only = list(communities[:2])
        if len(only) == 1:
            self.fields["community"].initial = only[0]


class DisinfectionForm(forms.Form):
    agent = forms.CharField(max_length=60, label=_("agent"))
    dilution = forms.CharField(max_length=30, required=False, label=_("dilution"))
    note = forms.CharField(max_length=200, required=False, label=_("note"))


class PatrolForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("community"))
    kind = forms.ChoiceField(choices=Patrol.Kind.choices, label=_("kind"))
    route = forms.CharField(max_length=120, required=False, label=_("route"))
    started_at = forms.DateTimeField(label=_("started"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ended_at = forms.DateTimeField(required=False, label=_("ended"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    findings = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               label=_("findings"))
    people_turned_back = forms.IntegerField(min_value=0, max_value=10000, initial=0, label=_("people turned back"))
    fire_risk = forms.BooleanField(required=False, label=_("fire risk found"))
    gathering_dispersed = forms.BooleanField(required=False, label=_("gathering dispersed"))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        only = list(communities[:2])
        if len(only) == 1:
            self.fields["community"].initial = only[0]
