"""Forms of the meetings pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ClientDateField, ClientDateTimeField
from fangkong.meetings.models import Meeting, Plan

DATE = forms.DateInput(attrs={"type": "date"})


class DayForm(forms.Form):
    community = forms.CharField(label=_("Community"), max_length=24, required=False)
    day = ClientDateField(label=_("Day"), required=False, widget=DATE)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), max_length=10000, required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=500)
    owner = forms.CharField(label=_("Owner (user name)"), max_length=150, required=False)
    due = ClientDateField(label=_("Due"), required=False, widget=DATE)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = ClientDateTimeField(label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))


class MeetingNotesForm(forms.Form):
    agenda = forms.CharField(label=_("Agenda"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("Decisions"), max_length=10000, required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(label=_("Minutes"), max_length=10000, required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("How they were reached"), max_length=200, required=False)


class PlanVersionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Plan"), choices=Plan.Kind.choices, widget=forms.HiddenInput)
    body = forms.CharField(label=_("Text"), max_length=100000, widget=forms.Textarea(attrs={"rows": 16}))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
