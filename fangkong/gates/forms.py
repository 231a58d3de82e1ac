"""Forms of the gate pages: they check the shape of what the guard typed; the services decide the rest."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import FieldError
from fangkong.core.forms import ClientDateTimeField
from fangkong.core.identifiers import normalise_plate, parse_resident_id
from fangkong.core.params import int_param
from fangkong.gates.models import Incident, Scan

MIN_TEMPERATURE, MAX_TEMPERATURE = Decimal("30.0"), Decimal("45.0")  # as the scan API (POST /api/v1/scans)
MAX_OCCUPANTS = 9
_PASS_NUMBERS = re.compile(r"[\s,，;；、]+")


def clean_temperature(raw: str | None, *, required: bool = False) -> Decimal | None:
    """A body temperature such as 36.5 (a comma works as the decimal point), rounded to 0.1 °C."""
    raw = (raw or "").strip().replace(",", ".").replace("，", ".")
    if not raw:
        if required:
            raise forms.ValidationError(_("Take the temperature"), code="required")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise forms.ValidationError(_("Enter a temperature such as 36.5"), code="invalid") from None
    if not value.is_finite() or not MIN_TEMPERATURE <= value <= MAX_TEMPERATURE:
        raise forms.ValidationError(
            _("A temperature lies between %(low)s and %(high)s °C: check the reading"), code="out_of_range",
            params={"low": MIN_TEMPERATURE, "high": MAX_TEMPERATURE},
        )
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def clean_plate(raw: str | None) -> str:
    try:
        return normalise_plate(raw or "")
    except FieldError as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from None


class ScanForm(forms.Form):
    """The head of a scan: direction, vehicle mode and plate, and the client's idempotency key."""

    direction = forms.ChoiceField(label=_("Direction"), choices=Scan.Direction.choices)
    vehicle = forms.BooleanField(label=_("Vehicle"), required=False)
    plate = forms.CharField(label=_("Plate"), required=False, max_length=16)
    client_id = forms.RegexField(regex=r"^[A-Za-z0-9-]{1,40}$", required=False, max_length=40)

    def __init__(self, *args, vehicle: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.vehicle = vehicle

    def clean_plate(self) -> str:
        # Only a vehicle check carries a plate; the hidden field of pedestrian mode is ignored.
        if not self.vehicle:
            return ""
        if not (self.cleaned_data.get("plate") or "").strip():
            raise forms.ValidationError(_("Enter the vehicle's plate"), code="required")
        return clean_plate(self.cleaned_data["plate"])


class OccupantForm(forms.Form):
    """One person at the gate: the pass (QR text or printed number), the ID card, the temperature."""

    code = forms.CharField(label=_("Pass"), max_length=200, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    temperature = forms.CharField(label=_("Temperature (°C)"), max_length=8, required=False)

    def __init__(self, *args, entering: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entering = entering  # on the way in the temperature is taken first: asked for, not refused

    def clean_temperature(self) -> Decimal | None:
        raw = self.cleaned_data.get("temperature")
        if self.entering and not (raw or "").strip():
            raise forms.ValidationError(_("Take the temperature, then check again"), code="required")
        return clean_temperature(raw)

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip()
        number = code.replace(" ", "").replace("-", "")
        # An ID card swiped or typed as the key (18 characters, 17 digits first): checked here, before
        # any person of a vehicle is recorded, so that a mistyped one changes nothing.
        if len(number) == 18 and number[:17].isdigit():
            try:
                parse_resident_id(number)
            except FieldError as exc:
                raise forms.ValidationError(exc.message, code=str(exc.code)) from None
        return code

    @property
    def is_blank(self) -> bool:
        return not any((self.data.get(f) or "").strip() for f in ("code", "id_number", "temperature"))

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("code") or "").strip():
            self.add_error("code", forms.ValidationError(_("Scan or type the pass number"), code="required"))
        return data


def occupant_forms(post, *, entering: bool = False) -> list[OccupantForm]:
    """The occupant rows posted as parallel lists code[], id_number[], temperature[]; `entering`: each
    needs a temperature."""
    codes, ids, temps = (post.getlist(f) for f in ("code", "id_number", "temperature"))
    n = max(len(codes), len(ids), len(temps), 1)

    def at(values: list[str], i: int) -> str:
        return values[i] if i < len(values) else ""

    return [OccupantForm({"code": at(codes, i), "id_number": at(ids, i), "temperature": at(temps, i)},
                         entering=entering)
            for i in range(min(n, MAX_OCCUPANTS + 1))]


class VisitorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(label=_("ID number"), max_length=32)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    household = forms.CharField(label=_("Household visited"), max_length=200,
                                help_text=_("Pick an address from the list, or describe it"))
    reason = forms.CharField(label=_("Reason for the visit"), max_length=200)
    temperature = forms.CharField(label=_("Temperature (°C)"), max_length=8)
    plate = forms.CharField(label=_("Plate (if by car)"), max_length=16, required=False)

    def clean_temperature(self) -> Decimal:
        return clean_temperature(self.cleaned_data.get("temperature"), required=True)

    def clean_plate(self) -> str:
        raw = (self.cleaned_data.get("plate") or "").strip()
        return clean_plate(raw) if raw else ""


class IncidentForm(forms.Form):
    kinds = forms.MultipleChoiceField(label=_("What happened"), choices=Incident.Kind.choices,
                                      widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    passes = forms.CharField(label=_("Pass numbers involved"), required=False, max_length=400,
                             help_text=_("Separate several numbers with spaces"))
    revoke = forms.BooleanField(label=_("Revoke the pass"), required=False)
    ban = forms.BooleanField(label=_("Bar the person"), required=False)

    def clean_passes(self) -> list[str]:
        numbers = [n for n in _PASS_NUMBERS.split(self.cleaned_data.get("passes") or "") if n]
        if any(not n.isdigit() or len(n) > 24 for n in numbers):
            raise forms.ValidationError(_("A pass number has digits only"), code="invalid")
        return list(dict.fromkeys(numbers))

    def clean(self):
        data = super().clean()
        if (data.get("revoke") or data.get("ban")) and not data.get("passes") and "passes" not in self.errors:
            self.add_error("passes", forms.ValidationError(
                _("Name the pass to revoke or whose holder to bar"), code="required"))
        return data


class StaffField(forms.ModelMultipleChoiceField):
    """Users by id. An id that is no database id (past 64 bits, negative) is refused like an unknown one
    before the lookup, which SQLite cannot even compare with such a number."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if int_param(pk) is None:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super().clean(value)


class ShiftForm(forms.Form):
    gate = forms.ModelChoiceField(label=_("Gate"), queryset=None)
    starts_at = ClientDateTimeField(label=_("Starts"))
    ends_at = ClientDateTimeField(label=_("Ends"))
    leader = forms.ModelChoiceField(label=_("Leader on duty"), queryset=None,
                                    help_text=_("A committee member of the working group: the secretary, the "
                                                "director or a committee member"))
    staff = StaffField(label=_("Staff"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, gates, leaders, staff, staff_communities: dict[int, set[int]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.staff_communities = staff_communities
        self.fields["gate"].queryset = gates
        self.fields["gate"].label_from_instance = lambda g: f"{g.community.name} · {g.name}"
        self.fields["leader"].queryset = leaders
        self.fields["leader"].label_from_instance = lambda m: f"{m.name} ({m.get_position_display()})"
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda u: f"{u} ({u.get_role_display()})"

    def clean(self):
        data = super().clean()
        gate, leader = data.get("gate"), data.get("leader")
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", forms.ValidationError(_("A shift ends after it starts"), code="before_start"))
        if gate and leader and leader.community_id != gate.community_id:
            self.add_error("leader", forms.ValidationError(
                _("The leader belongs to another community"), code="other_community"))
        if gate and data.get("staff"):
            others = [u for u in data["staff"] if gate.community_id not in self.staff_communities.get(u.pk, ())]
            if others:
                self.add_error("staff", forms.ValidationError(
                    _("%(names)s do not work in this gate's community"), code="other_community",
                    params={"names": ", ".join(str(u) for u in others)}))
        return data
