"""Forms' share of the one error model: refusals onto forms (each field error of a `DomainError` on its
field when the form has it, on the form as a whole otherwise; pages catch `DomainError` once and call
this), and the date and time fields that hold what someone types to the years every client date lies in."""

from __future__ import annotations

from django import forms

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
