"""One error model. Every refusal is a `DomainError` with a stable code and a translated message; the
API maps it to 400/403/404/409 (`fangkong/api.py`) and pages to a field error or an error page
(`core.middleware.DomainErrorMiddleware`), both in one place, so nothing escapes as a 500.

Each app lists its codes in one `StrEnum` in its `errors.py`; a code is a plain string on the wire."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Code(StrEnum):
    """Codes that belong to no one app: the request as a whole, a field's shape, identifiers."""

    DOMAIN_ERROR = "domain_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    # a field's value
    REQUIRED = "required"
    INVALID_CHOICE = "invalid_choice"
    NOT_NUMBER = "not_number"
    NOT_INTEGER = "not_integer"
    OUT_OF_RANGE = "out_of_range"
    TOO_LONG = "too_long"
    TOO_LARGE = "too_large"
    DATE_FORMAT = "date_format"
    TIME_FORMAT = "time_format"
    BEFORE_START = "before_start"
    IN_FUTURE = "in_future"
    # identifiers (core.identifiers)
    ID_FORMAT = "id_format"
    ID_CHECKSUM = "id_checksum"
    ID_BIRTH_DATE = "id_birth_date"
    ID_FIRST_GENERATION = "id_first_generation"
    DOCUMENT_FORMAT = "document_format"
    PHONE_FORMAT = "phone_format"
    PLATE_FORMAT = "plate_format"


class DomainError(Exception):
    code: str = Code.DOMAIN_ERROR
    status = 400

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = str(message) if message is not None else str(_("The request cannot be done"))
        if code:
            self.code = str(code)
        super().__init__(self.message)

    @property
    def field_errors(self) -> list[FieldError]:
        """The field errors this refusal carries: none for a refusal of the whole request."""
        return []


class FieldError(DomainError):
    """A single field's value is wrong; `field` names it so forms and reports can point at it."""

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field = field
        super().__init__(message, code=code)

    @property
    def field_errors(self) -> list[FieldError]:
        return [self]


class ValidationErrors(DomainError):
    """Several fields are wrong at once (a form, an import row): each is a `FieldError`."""

    code = Code.INVALID

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors), code=Code.INVALID)

    @property
    def field_errors(self) -> list[FieldError]:
        return self.errors


class NotFound(DomainError):
    code = Code.NOT_FOUND
    status = 404


class PermissionDenied(DomainError):
    code = Code.FORBIDDEN
    status = 403


class Conflict(DomainError):
    code = Code.CONFLICT
    status = 409
