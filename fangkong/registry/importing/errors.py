"""What an import refuses: the codes of its own, a problem of the row-level report, a file refused whole.

A row's field codes come from `person_data_from` (`core.errors.Code`, `registry.errors.RegistryCode`);
the import's own are `RegistryCode` members too (`ImportCode` names the same enum). Reasons are kept
in Chinese (`reason`) and English (`reason_en`): reports are stored, and whoever opens the job page
reads them in their language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from fangkong.core.errors import DomainError, FieldError
from fangkong.registry.errors import RegistryCode

LANGUAGES = ("zh-hans", "en")  # the report's `reason` and `reason_en`


# The import's codes are members of the registry's one enum; the name stays for the import's modules.
ImportCode = RegistryCode


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
