"""What an import refuses: the codes of its own, a problem of the row-level report, a file refused whole.

A row's field codes come from `person_data_from` (`core.errors.Code`, `registry.errors.RegistryCode`);
the codes below are the import's own. Reasons are kept in Chinese (`reason`) and English
(`reason_en`): reports are stored, and whoever opens the job page reads them in their language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from fangkong.core.errors import DomainError, FieldError

LANGUAGES = ("zh-hans", "en")  # the report's `reason` and `reason_en`


class ImportCode(StrEnum):
    UNREADABLE_FILE = "unreadable_file"
    ENCRYPTED_FILE = "encrypted_file"
    MISSING_COLUMNS = "missing_columns"
    TOO_MANY_ROWS = "too_many_rows"
    UNKNOWN_GRID = "unknown_grid"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    LANDLORD_IS_TENANT = "landlord_is_tenant"
    UNKNOWN_LANDLORD = "unknown_landlord"
    # An ID number typed as a number: Excel keeps 15 significant digits, an ID number has 18.
    ID_NUMBER_AS_NUMBER = "id_number_as_number"


def in_both(message, params: dict | None = None) -> tuple[str, str]:
    """A lazy message, with its %-parameters filled in, rendered in Chinese and in English."""
    texts = []
    for lang in LANGUAGES:
        with override(lang):
            text = str(message)
            texts.append(text % params if params else text)
    return texts[0], texts[1]


@dataclass
class RowError:
    row: int | None
    column: str
    value: str
    code: str
    reason: str
    reason_en: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "code": str(self.code),
                "reason": self.reason, "reason_en": self.reason_en or self.reason}


class ImportFileError(DomainError):
    """The file itself cannot be read (format, password, headers, size); nothing was imported.

    `lazy_message` stays lazy so the report can hold it in both languages; str() gives the active one.
    """

    def __init__(self, code: str, message, params: dict | None = None, *, columns: Iterable[str] = ()) -> None:
        self.lazy_message = message
        self.params = params or {}
        self.columns = list(columns)  # headers of missing required columns
        super().__init__(str(self), code=code)

    def __str__(self) -> str:
        text = str(self.lazy_message)
        return text % self.params if self.params else text

    @property
    def field_errors(self) -> list[FieldError]:
        return [FieldError(header, self.code, _("This required column is missing from the header row"))
                for header in self.columns]

    def errors(self) -> list[RowError]:
        """The problem as rows of the report: one per missing column (in the header, row 1), else one."""
        if self.columns:
            zh, en = in_both(_("This required column is missing from the header row"))
            return [RowError(1, header, "", self.code, zh, en) for header in self.columns]
        return [RowError(None, "", "", self.code, *in_both(self.lazy_message, self.params))]
