"""Input of the ledgers' pages: the export form and the layout form (one row per available column)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.dates import local_today
from fangkong.ledgers.layouts import Layout
from fangkong.ledgers.spec import LedgerSpec


class ExportForm(forms.Form):
    ledger = forms.ChoiceField(label=_("Ledger"))
    community = forms.ChoiceField(label=_("Community"), required=False,
                                  help_text=_("Leave empty for your street's roll-up of the daily report"))
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    masked = forms.BooleanField(label=_("Mask ID numbers and phones (no password needed)"), required=False)

    def __init__(self, *args, ledgers: list[tuple[str, str]], communities: list, may_reveal: bool, **kwargs):
        today = local_today()
        kwargs.setdefault("initial", {"date_from": today, "date_to": today})
        super().__init__(*args, **kwargs)
        self.fields["ledger"].choices = ledgers
        self.fields["community"].choices = [("", "—")] + [(c.code, c.name) for c in communities]
        if len(communities) == 1:
            self.fields["community"].initial = communities[0].code
        if not may_reveal:
            del self.fields["masked"]


class LayoutForm(forms.Form):
    """Title, then for every column of the ledger: shown, order, header text, group."""

    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, spec: LedgerSpec, layout: Layout, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields["title"].initial = layout.title
        shown = {column.key: (position, header, column.group)
                 for position, (column, header) in enumerate(layout.columns, start=1)}
        self.rows = []
        for index, column in enumerate(spec.columns, start=1):
            position, header, group = shown.get(column.key, (len(spec.columns) + index, column.header,
                                                             column.group))
            key = column.key
            label = column.header
            self.fields[f"shown_{key}"] = forms.BooleanField(
                required=False, initial=key in shown, label=_("Shown"),
                widget=forms.CheckboxInput(attrs={"aria-label": f"{label}: {_('Shown')}"}))
            self.fields[f"order_{key}"] = forms.IntegerField(
                min_value=1, max_value=999, initial=position, label=_("Order"),
                widget=forms.NumberInput(attrs={"aria-label": f"{label}: {_('Order')}"}))
            self.fields[f"header_{key}"] = forms.CharField(
                required=False, max_length=60, initial=header, label=_("Header"),
                widget=forms.TextInput(attrs={"aria-label": f"{label}: {_('Header')}"}))
            self.fields[f"group_{key}"] = forms.CharField(
                required=False, max_length=60, initial=group, label=_("Group"),
                widget=forms.TextInput(attrs={"aria-label": f"{label}: {_('Group')}"}))
            self.rows.append((column, position))
        # The form lists the columns as they are now: shown ones in their order first, then the others.
        self.rows.sort(key=lambda item: item[1])

    def column_rows(self):
        for column, _position in self.rows:
            key = column.key
            yield {"column": column, "shown": self[f"shown_{key}"], "order": self[f"order_{key}"],
                   "header": self[f"header_{key}"], "group": self[f"group_{key}"]}

    def columns(self) -> list[dict]:
        """The shown columns, by their order number (ties keep the spec's order)."""
        data = self.cleaned_data
        picked = [(data[f"order_{c.key}"], index, c.key) for index, c in enumerate(self.spec.columns)
                  if data.get(f"shown_{c.key}")]
        return [{"key": key, "header": (data.get(f"header_{key}") or "").strip(),
                 "group": (data.get(f"group_{key}") or "").strip()} for _o, _i, key in sorted(picked)]
