"""Accounts' refusal codes (values are the API's `code`); generic ones are `core.errors.Code`."""

from __future__ import annotations

from enum import StrEnum


class AccountsCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"  # no valid Bearer token (401)
