"""Numbers from query strings and form fields, as pages read them."""

from __future__ import annotations


def int_param(value: object) -> int | None:
    """A positive database id from a request parameter, or None. ASCII digits only ("²".isdigit() is
    true, int("²") fails) and short enough for a bigint column."""
    text = str(value) if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
