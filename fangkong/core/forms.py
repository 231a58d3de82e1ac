"""Forms' share of the one error model: refusals onto forms (each field error of a `DomainError` on its
field when the form has it, on the form as a whole otherwise; pages catch `DomainError` once and call
this), and the date and time fields that hold what someone types to the years every client date lies in."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from fangkong.core.dates import client_date
from fangkong.core.errors import DomainError, FieldError


def form_add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    for error in exc.field_errors or [exc]:
        field = getattr(error, "field", None)
        form.add_error(field if field in form.fields else None, error.message)


def form_error_messages(form: forms.BaseForm) -> list[str]:
    """Every error of a bound form as one flat list of messages, for pages that show them together."""
    return [str(message) for messages in form.errors.values() for message in messages]


class _ClientDateBound:
    """`core.dates.client_date` on a form field: 0001-01-01 or 9999-12-31 is a form error on that field,
    not an overflow in the arithmetic, or the conversion to UTC, behind the form."""

    def validate(self, value) -> None:
        super().validate(value)
        try:
            client_date(value, field="date")
        except FieldError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


class ClientDateField(_ClientDateBound, forms.DateField):
    pass


class ClientDateTimeField(_ClientDateBound, forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FastSelect(forms.Select):
    """A `<select>` whose options are joined in Python, not rendered one template each: a scope's
    communities or grids (a thousand at a city's office) cost a few milliseconds instead of a few hundred.
    Flat choices only (no groups); the attributes and the chosen value as Django's own widget writes them."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(v))}"{" selected" if str(v) in chosen else ""}>{escape(str(label))}</option>'
            for v, label in self.choices)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')  # noqa: S308 (escaped)
