"""Forms of the volunteers pages; the rules themselves are in services (checked once, for the API too)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.volunteers.models import Skill


class SignUpForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=64,
                           error_messages={"required": _("Please give your name")})
    phone = forms.CharField(label=_("Mobile phone"), max_length=32,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
                            error_messages={"required": _("Please give a phone number")})
    id_number = forms.CharField(label=_("ID number"), max_length=32,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
                                error_messages={"required": _("ID number is required")})
    skills = forms.MultipleChoiceField(label=_("What can you do?"), choices=Skill.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    skills_text = forms.CharField(label=_("Anything else you can do"), max_length=200, required=False)
    availability = forms.CharField(label=_("When are you free? (days, times)"), max_length=200, required=False)
    party_member = forms.BooleanField(label=_("Party member"), required=False)
    veteran = forms.BooleanField(label=_("Veteran"), required=False)
    resident_representative = forms.BooleanField(label=_("Resident representative"), required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             error_messages={"required": _("Say why the sign-up is declined")})


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=120)
    when = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    hours = forms.DecimalField(label=_("Hours"), min_value=0.1, max_value=24, decimal_places=1)


class ShiftForm(forms.Form):
    shift = forms.IntegerField(label=_("Shift"), min_value=1)
