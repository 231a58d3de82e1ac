"""Refusals onto forms, in one place: each field error of a `DomainError` goes on its field when the form
has it, on the form as a whole otherwise. Pages catch `DomainError` once and call this."""

from __future__ import annotations

from django import forms

from fangkong.core.errors import DomainError


def form_add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    for error in exc.field_errors or [exc]:
        field = getattr(error, "field", None)
        form.add_error(field if field in form.fields else None, error.message)


def form_error_messages(form: forms.BaseForm) -> list[str]:
    """Every error of a bound form as one flat list of messages, for pages that show them together."""
    return [str(message) for messages in form.errors.values() for message in messages]
