"""The ledgers' refusal codes (values are the API's `code`); generic ones are `core.errors.Code`."""

from __future__ import annotations

from enum import StrEnum

from fangkong.core.errors import DomainError


class LedgerCode(StrEnum):
    UNKNOWN_LEDGER = "unknown_ledger"
    COMMUNITY_REQUIRED = "community_required"
    STREET_REQUIRED = "street_required"
    RANGE_TOO_LONG = "range_too_long"
    # layouts
    UNKNOWN_COLUMN = "unknown_column"
    DUPLICATE_COLUMN = "duplicate_column"
    EMPTY_HEADER = "empty_header"
    NO_COLUMN = "no_column"
    SERIAL_NOT_FIRST = "serial_not_first"
    REMARKS_NOT_LAST = "remarks_not_last"
    # files
    NOT_READY = "not_ready"
    EXPIRED = "expired"


class ExportGone(DomainError):
    """The file of an export has expired and was deleted: 410 on the API and on the page."""

    code = LedgerCode.EXPIRED
    status = 410
