from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ClientDateField, FastSelect
from fangkong.passes.models import Pass
from fangkong.passes.selectors import BULK_BY, BULK_GROUPS, MAX_PICKED
from fangkong.registry.models import Person

NUMBER = r"^[0-9]{0,24}$"
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # the ISO value a date picker needs


def _named(form: forms.Form) -> None:
    """Filters stand in a row without their labels: each select says its name to a screen reader."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("aria-label", field.label)


class PassFilterForm(forms.Form):
    q = forms.RegexField(label=_("Pass number"), regex=NUMBER, required=False, max_length=24)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Pass.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Pass.Status.choices])
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int, empty_value=None,
                                       widget=FastSelect)

    def __init__(self, *args, communities=(), suspended: bool = True, **kwargs) -> None:
        """`suspended`: whether the reader may filter by the suspended status (health permission)."""
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("All communities")), *communities]  # (id, name)
        if not suspended:
            self.fields["status"].choices = [c for c in self.fields["status"].choices
                                             if c[0] != Pass.Status.SUSPENDED]
        _named(self)


class BulkIssueForm(forms.Form):
    """Who gets a pass: `by` (fixed per tab of the issue page) says which of group, grid, building or
    people is read; the others are not shown."""

    by = forms.ChoiceField(choices=list(BULK_BY.items()), widget=forms.HiddenInput, required=False)
    community = forms.ChoiceField(label=_("Community"))
    group = forms.ChoiceField(label=_("Who"), choices=[(k, label) for k, (label, _c) in BULK_GROUPS.items()])
    grid = forms.TypedChoiceField(label=_("Grid"), coerce=int)
    building = forms.TypedChoiceField(label=_("Building"), coerce=int)
    # The ticked people arrive as checkboxes the page draws from a search, read in `clean_people`.
    people = forms.Field(label=_("People"), required=False, widget=forms.MultipleHiddenInput)
    # A vehicle pass needs a plate: issued one by one, not in bulk.
    kind = forms.ChoiceField(label=_("Kind of pass"),
                             choices=[c for c in Pass.Kind.choices if c[0] != Pass.Kind.VEHICLE])
    valid_from = ClientDateField(label=_("Valid from"), widget=DATE)
    valid_until = ClientDateField(label=_("Valid until"), widget=DATE)

    def __init__(self, *args, by: str = "category", communities=(), grids=(), buildings=(), **kwargs) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"by": by, "group": "floating", "kind": Pass.Kind.TEMPORARY, "valid_from": today,
                             "valid_until": today + timedelta(days=13), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        several = len({c.id for c in communities}) > 1
        self.fields["community"].choices = [(c.code, c.name) for c in communities]
        self.fields["grid"].choices = [(g.id, f"{g.community.name} · {g.name}" if several else g.name) for g in grids]
        self.fields["building"].choices = [(b.id, f"{b.community.name} · {b.name}" if several else b.name)
                                           for b in buildings]
        self.community_of = {("grid", g.id): g.community for g in grids}
        self.community_of.update({("building", b.id): b.community for b in buildings})
        self.by = self.data.get("by", by) if self.is_bound else by
        if self.by not in BULK_BY:
            self.by = "category"
        # Only the field of this way of choosing is asked; a grid or building names its community.
        unused = {"category": ("grid", "building", "people"), "grid": ("community", "group", "building", "people"),
                  "building": ("community", "group", "grid", "people"), "picked": ("group", "grid", "building")}
        for name in unused[self.by]:
            del self.fields[name]

    def clean_people(self):
        raw = self.data.getlist("people") if hasattr(self.data, "getlist") else self.data.get("people", [])
        ids = sorted({int(v) for v in raw if str(v).isdigit() and 0 < int(v) < 2**31})
        if not ids:
            raise forms.ValidationError(_("Tick at least one person"), code="required")
        if len(ids) > MAX_PICKED:
            raise forms.ValidationError(_("At most %(n)d people at a time: issue by grid or building instead"),
                                        code="too_many", params={"n": MAX_PICKED})
        return ids

    def chosen_community(self, communities):
        """The community the issue is for: chosen, or the grid's or the building's."""
        data = self.cleaned_data
        if self.by in ("grid", "building"):
            return self.community_of[(self.by, data[self.by])]
        return next(c for c in communities if c.code == data["community"])

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", forms.ValidationError(_("A pass cannot end before it starts"),
                                                                code="before_start"))
        return data


class PickerForm(forms.Form):
    """The search on the issue page's picked-people tab: part of a name or address, a grid, a building,
    a category."""

    q = forms.CharField(label=_("Name or address"), required=False, max_length=40)
    grid = forms.TypedChoiceField(label=_("Grid"), required=False, coerce=int, empty_value=None)
    building = forms.TypedChoiceField(label=_("Building"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *Person.Category.choices])

    def __init__(self, *args, community=None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "pick_%s")
        super().__init__(*args, **kwargs)
        grids = community.grids.order_by("number") if community else []
        buildings = community.buildings.order_by("name") if community else []
        self.fields["grid"].choices = [("", _("All grids"))] + [(g.id, g.name) for g in grids]
        self.fields["building"].choices = [("", _("All buildings"))] + [(b.id, b.name) for b in buildings]
        _named(self)

    def clean_q(self):
        return self.cleaned_data["q"].replace("\x00", "").strip()
