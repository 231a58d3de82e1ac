"""Forms of the observation pages. They check the shape of what was typed; the services (services.py,
returnees.py) decide the rest and their FieldErrors are put back next to the field by the views."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role
from fangkong.core.forms import ClientDateField, FastSelect
from fangkong.core.health import Symptom
from fangkong.observation.models import Alert, Observation

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # the ISO value a date picker needs
TEMPERATURE = forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "36.5", "maxlength": 5,
                                     "autocomplete": "off", "class": "temperature"})
ROOM_SPLIT = re.compile(r"[\s,，;；、]+")


def _optional_date(label, **kwargs) -> forms.DateField:
    # Required-ness is the service's rule: it answers with its own message and code.
    return ClientDateField(label=label, required=False, widget=DATE, **kwargs)


# --- observations ---------------------------------------------------------------------------------------


class ObservationFilterForm(forms.Form):
    ACTIVE, ALL = Observation.Status.ACTIVE.value, "all"

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[*Observation.Status.choices, (ALL, _("All statuses"))])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Observation.Kind.choices])
    due = forms.BooleanField(label=_("Due for release"), required=False)

    def values(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"status": data.get("status") or self.ACTIVE, "kind": data.get("kind") or "",
                "due": bool(data.get("due"))}


class ObservationStartForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False,
                                widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false",
                                                              "autocomplete": "off"}))
    person = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62)
    kind = forms.ChoiceField(label=_("Kind"), choices=Observation.Kind.choices, initial=Observation.Kind.HOME)
    start = ClientDateField(label=_("Start"), widget=DATE)
    site = forms.ModelChoiceField(label=_("Observation site"), queryset=None, required=False,
                                  help_text=_("For centralised observation"), widget=FastSelect)
    room = forms.CharField(label=_("Room"), max_length=16, required=False)
    # FastSelect: at a district's or city's office the workers in scope number in the thousands.
    responsible = forms.ModelChoiceField(label=_("Responsible worker"), queryset=None, required=False,
                                         empty_label=_("The household's liaison, else the grid worker"),
                                         widget=FastSelect)
    reason = forms.CharField(label=_("Why observed"), max_length=200, required=False)

    def __init__(self, *args, sites, users, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("start", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["responsible"].queryset = users
        roles = {value: str(label) for value, label in Role.choices}  # translated once, not once per user
        self.fields["responsible"].label_from_instance = lambda u: f"{u} ({roles.get(u.role, u.role)})"

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("id_number") or "").strip() and "id_number" not in self.errors:
            self.add_error("id_number", forms.ValidationError(_("Enter the person's ID number"), code="required"))
        return data


class FollowUpForm(forms.Form):
    temperature = forms.CharField(label=_("Temperature (°C)"), max_length=8, required=False, widget=TEMPERATURE)
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), required=False, choices=Symptom.choices,
                                         widget=forms.CheckboxSelectMultiple)
    client_id = forms.RegexField(regex=r"^[A-Za-z0-9-]{1,40}$", required=False, max_length=40,
                                 widget=forms.HiddenInput)


class ExtendForm(forms.Form):
    new_end = ClientDateField(label=_("New planned end"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, latest: date, **kwargs) -> None:
        """`latest`: the latest planned end the policy allows (`services.latest_planned_end`)."""
        super().__init__(*args, **kwargs)
        field = self.fields["new_end"]
        field.help_text = _("%(day)s at the latest") % {"day": latest.isoformat()}
        field.widget.attrs["max"] = latest.isoformat()  # the widget is this form's own copy


class EndForm(forms.Form):
    ENDS = [Observation.Status.COMPLETED, Observation.Status.TRANSFERRED, Observation.Status.ENDED_EARLY]

    status = forms.ChoiceField(label=_("How it ends"), widget=forms.RadioSelect,
                               choices=[(s.value, s.label) for s in ENDS])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("Needed to end early"))


# --- alerts ---------------------------------------------------------------------------------------------


class AlertFilterForm(forms.Form):
    OPEN, CLOSED, ALL = "open", "closed", "all"

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        (OPEN, _("Open and acknowledged")), (CLOSED, _("Closed")), (ALL, _("All statuses"))])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Alert.Kind.choices])
    mine = forms.BooleanField(label=_("Mine only"), required=False)

    def values(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"status": data.get("status") or self.OPEN, "kind": data.get("kind") or "",
                "mine": bool(data.get("mine"))}


class AlertCloseForm(forms.Form):
    action = forms.CharField(label=_("Action taken"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("e.g. sent to the fever clinic")}))


# --- returnees ------------------------------------------------------------------------------------------


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("pending", _("awaiting confirmation")), ("confirmed", _("confirmed")), ("rejected", _("rejected"))])

    def value(self) -> str:
        return (self.cleaned_data.get("status") if self.is_bound and self.is_valid() else "") or "pending"


class _JourneyFields(forms.Form):
    from_place = forms.CharField(label=_("Coming from"), max_length=64, required=False,
                                 help_text=_("Province and city, e.g. 湖北省武汉市"))
    arrival_date = _optional_date(_("Arrival date (or planned)"))
    transport = forms.CharField(label=_("Transport"), max_length=64, required=False,
                                help_text=_("e.g. train G1234, own car"))
    address = forms.CharField(label=_("Address here"), max_length=200, required=False)


class OfficeReportForm(_JourneyFields):
    community = forms.TypedChoiceField(label=_("Community"), coerce=int, required=False, empty_value=None,
                                       widget=FastSelect)
    name = forms.CharField(label=_("Name"), max_length=64, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False,
                                widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    household = forms.CharField(label=_("Household (address)"), max_length=200, required=False,
                                help_text=_("Pick an address from the list; leave empty if not known yet"))

    field_order = ["community", "name", "id_number", "phone", "household", "from_place", "arrival_date", "transport",
                   "address"]

    def __init__(self, *args, communities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.id, c.name) for c in communities]
        if len(self.fields["community"].choices) == 1:
            self.fields["community"].widget = forms.HiddenInput()
            self.fields["community"].initial = self.fields["community"].choices[0][0]

    def clean_community(self) -> int:
        value, choices = self.cleaned_data.get("community"), self.fields["community"].choices
        if value is None and len(choices) == 1:
            return choices[0][0]
        if value is None:
            raise forms.ValidationError(_("Choose the community"), code="required")
        return value


class ConfirmForm(forms.Form):
    household = forms.CharField(label=_("Household (address)"), max_length=200, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ResidentLinkForm(forms.Form):
    id_number = forms.CharField(label=_("Resident's ID number"), max_length=32,
                                widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}))


# --- sites ----------------------------------------------------------------------------------------------


class SiteForm(forms.Form):
    street = forms.ModelChoiceField(label=_("Street"), queryset=None)
    name = forms.CharField(label=_("Site name"), max_length=64, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=5000)
    rooms = forms.CharField(label=_("Rooms"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Room numbers separated by spaces or commas; empty if rooms are not assigned"))

    def __init__(self, *args, streets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        if len(streets) == 1:
            self.fields["street"].initial = streets[0].pk

    def clean_rooms(self) -> list[str]:
        rooms = [r for r in ROOM_SPLIT.split(self.cleaned_data.get("rooms") or "") if r]
        if any(len(r) > 16 for r in rooms):
            raise forms.ValidationError(_("A room number has at most 16 characters"), code="too_long")
        return list(dict.fromkeys(rooms))


# --- the public pages behind a personal link ------------------------------------------------------------


class LinkReportForm(_JourneyFields):
    """A landlord reports a tenant (one of theirs, or someone new in one of their homes); a resident reports
    themself and only sees the journey fields."""

    NEW = "new"

    tenant = forms.ChoiceField(label=_("Who"), required=False, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=64, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False,
                                widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false",
                                                              "autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}))
    household = forms.TypedChoiceField(label=_("The home they rent"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, tenants=None, homes=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["arrival_date"].initial = None
        if tenants is None:  # a resident reporting themself
            for name in ("tenant", "name", "id_number", "phone", "household"):
                del self.fields[name]
            return
        self.fields["tenant"].choices = [*tenants, (self.NEW, _("Someone new, not in the list"))]
        if not tenants:
            self.fields["tenant"].initial = self.NEW
        self.fields["household"].choices = [("", "—"), *homes]
        if len(homes) == 1:
            self.fields["household"].initial = homes[0][0]

    def clean(self):
        data = super().clean()
        if "tenant" in self.fields and not data.get("tenant") and "tenant" not in self.errors:
            self.add_error("tenant", forms.ValidationError(_("Choose the tenant, or someone new"), code="required"))
        return data


class SelfFollowUpForm(FollowUpForm):
    pass
