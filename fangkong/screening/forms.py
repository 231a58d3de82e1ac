"""Forms of the screening pages: they check the shape of what the worker typed; the services decide the rest.

The visit page is one HTML form made of several Django forms: the visit itself (outcome, handouts, note),
one block per current member (prefix `m<person id>`) and one block per person found who is not in the
registry (prefix `new<n>`). Temperatures go through the same parser the services use, so that every
mistake on the page is shown at once, next to its field.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import FieldError
from fangkong.core.forms import ClientDateField
from fangkong.core.health import Symptom, parse_temperature
from fangkong.registry.models import Membership, Person
from fangkong.registry.validation import PersonData, person_data_from
from fangkong.screening.models import TravelRecord, Visit
from fangkong.screening.services import MemberCheck

# Provincial-level divisions, full names: the visit form asks for the province first (docs/decisions/0007).
PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
    "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
)
MAX_NEW_PEOPLE = 9
CLIENT_ID = r"^[A-Za-z0-9-]{1,40}$"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class RoundForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"))
    name = forms.CharField(label=_("Round name"), max_length=64)
    starts_on = ClientDateField(label=_("Start"), widget=DateInput)
    deadline = ClientDateField(label=_("Deadline"), widget=DateInput)
    grids = forms.TypedMultipleChoiceField(
        label=_("Grids"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole community."),
    )

    def __init__(self, *args, communities=(), grids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        communities = list(communities)
        self.fields["community"].choices = [(c.code, c.name) for c in communities]
        several = len(communities) > 1
        self.fields["grids"].choices = [(g.id, f"{g.community.name} · {g.name}" if several else g.name) for g in grids]


class VisitForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Visit.Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": _("Say whether anyone was seen")})
    handouts = forms.MultipleChoiceField(label=_("Handed out or explained"), choices=Visit.Handout.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    client_id = forms.RegexField(regex=CLIENT_ID, required=False, max_length=40)
    new_count = forms.IntegerField(min_value=0, max_value=MAX_NEW_PEOPLE, required=False)


class CheckForm(forms.Form):
    """What was checked about one person at the door."""

    temperature = forms.CharField(label=_("Temperature °C"), max_length=8, required=False, widget=forms.TextInput(
        attrs={"inputmode": "decimal", "placeholder": "36.5", "autocomplete": "off", "enterkeyhint": "next"}))
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), choices=Symptom.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    key_area_travel = forms.BooleanField(label=_("Has been to a key area"), required=False)
    travel_place = forms.CharField(label=_("Where (province first)"), max_length=64, required=False,
                                   widget=forms.TextInput(attrs={"list": "places", "autocomplete": "off"}))
    returned_on = ClientDateField(label=_("Back on"), required=False, widget=DateInput)
    contact = forms.ChoiceField(label=_("Contact with a case"), choices=TravelRecord.Contact.choices, required=False)

    present_field = ""  # a member block has a "present" box; someone found at the door is there

    def is_present(self) -> bool:
        return bool(self.cleaned_data.get(self.present_field)) if self.present_field else True

    def clean_temperature(self) -> Decimal | None:
        if self.present_field and not self[self.present_field].value():
            return None  # nobody to take the temperature of
        try:
            return parse_temperature(self.cleaned_data.get("temperature"), required=False)
        except FieldError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    def check(self, person_id: int = 0) -> MemberCheck:
        d = self.cleaned_data
        return MemberCheck(
            person_id=person_id, present=self.is_present(), temperature=d["temperature"], symptoms=d["symptoms"],
            key_area_travel=d["key_area_travel"], travel_place=d["travel_place"], contact=d["contact"],
            returned_on=d["returned_on"],
        )

    @property
    def travel_open(self) -> bool:
        """Whether the travel fields are shown open (ticked, or with a mistake in them)."""
        if any(self.errors.get(f) for f in ("travel_place", "returned_on")):
            return True
        return bool(self["key_area_travel"].value())


class MemberForm(CheckForm):
    """One current member of the household."""

    present = forms.BooleanField(label=_("Present"), required=False, initial=True)

    present_field = "present"


class NewPersonForm(CheckForm):
    """Someone at the door who is not in the registry (an unregistered tenant, say)."""

    name = forms.CharField(label=_("Name"), max_length=64, required=False)
    id_type = forms.ChoiceField(label=_("ID type"), choices=Person.IdType.choices, initial=Person.IdType.RESIDENT_ID)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False, widget=forms.TextInput(
        attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}))
    relation = forms.ChoiceField(label=_("Relation"), choices=Membership.Relation.choices,
                                 initial=Membership.Relation.TENANT)
    category = forms.ChoiceField(label=_("Residence category"), choices=Person.Category.choices,
                                 initial=Person.Category.TENANT)

    _FILLED = ("name", "id_number", "phone", "temperature", "travel_place", "returned_on")

    @property
    def is_blank(self) -> bool:
        """An untouched block (the relation, category and ID type keep their defaults) is skipped."""
        if any((self.data.get(self.add_prefix(f)) or "").strip() for f in self._FILLED):
            return False
        return not (self.data.getlist(self.add_prefix("symptoms")) or self.data.get(self.add_prefix("key_area_travel"))
                    or self.data.get(self.add_prefix("contact")))

    def person_data(self) -> PersonData:
        """The person's fields checked as every edge checks them; raises ValidationErrors."""
        d = self.cleaned_data  # after is_valid(); a field with its own error is checked as typed
        return person_data_from({k: d[k] if k in d else self[k].value()
                                 for k in ("name", "id_type", "id_number", "phone", "category")})


def new_person_forms(data, count: int) -> list[NewPersonForm]:
    return [NewPersonForm(data, prefix=f"new{i}") for i in range(count)]


class ChangesForm(forms.Form):
    community = forms.CharField(label=_("Community"), required=False, max_length=24)  # a code; the selector scopes it
    day = ClientDateField(label=_("Day"), required=False, widget=DateInput)
