"""The verification app's refusal codes (values are the API's `code`); generic ones are `core.errors.Code`,
the file's own (unreadable, missing columns, duplicate in file) the registry import's."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import DomainError
from fangkong.registry.importing import RowError


class VerificationCode(StrEnum):
    INVALID_ROWS = "invalid_rows"
    NOT_REGISTERED = "not_registered"
    COMMUNITY_OUTSIDE_STREET = "community_outside_street"
    STREET_REQUIRED = "street_required"


class RowsRejected(DomainError):
    """Rows of an uploaded list are wrong: nothing was written; `errors` lists each problem by row and column."""

    code = VerificationCode.INVALID_ROWS

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(_("%(n)s problems in the file: nothing was uploaded") % {"n": len(errors)},
                         code=VerificationCode.INVALID_ROWS)
