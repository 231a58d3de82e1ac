"""Domain errors carry a stable code and a translated message; views map them to HTTP in one place."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = str(message) if message is not None else str(_("The request cannot be done"))
        if code:
            self.code = code
        super().__init__(self.message)


class FieldError(DomainError):
    """A single field's value is wrong; `field` names it so forms and reports can point at it."""

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field = field
        super().__init__(message, code=code)


class NotFound(DomainError):
    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403
