"""An uploaded list read and checked: its columns (Chinese or English headers), then every row, before
anything is written. The file is read by the registry import's readers (csv as UTF-8 or GB18030;
spreadsheets by calamine in a process of its own), so a list is refused for the same reasons and in the
same words as a registry import; the row-level report is in Chinese and English (`in_both`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from fangkong.core import crypto
from fangkong.core.errors import Code, FieldError
from fangkong.core.identifiers import mask_id_number, mask_phone, normalise_phone, parse_resident_id
from fangkong.registry.importing import ImportCode, ImportFileError, RowError
from fangkong.registry.importing.errors import LANGUAGES, in_both

# The registry's readers by suffix; read_rows itself also maps the registry's own columns.
from fangkong.registry.importing.read import (  # noqa: F401 -- SUFFIXES re-exported for the forms
    SUFFIXES,
    UNSUPPORTED_TYPE_MESSAGE,
    InexactNumber,
    Rows,
    read_rows,
)

MAX_ROWS = 20_000  # a list is uploaded and routed within the request
MAX_ERRORS = 500


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    header_en: str
    required: bool
    max_length: int


COLUMNS = [
    Column("name", "姓名", "Name", True, 64),
    Column("id_number", "身份证号码", "ID number", True, 32),
    Column("phone", "联系电话", "Phone", False, 20),
    Column("address", "住址", "Address", False, 200),
    Column("source", "来源", "Source", False, 64),
    Column("batch", "批次", "Batch", False, 64),
]
BY_KEY = {c.key: c for c in COLUMNS}
_ALIASES = {
    "name": ("姓名", "name", "full name", "full_name"),
    "id_number": ("身份证号码", "身份证号", "身份证", "公民身份号码", "证件号码", "id number", "id_number", "id"),
    "phone": ("联系电话", "手机", "手机号", "手机号码", "电话", "联系方式", "phone", "mobile"),
    "address": ("住址", "现住址", "地址", "居住地址", "现居住地址", "address"),
    "source": ("来源", "信息来源", "数据来源", "source"),
    "batch": ("批次", "batch"),
}


def _header_key(header: str) -> str:
    """身份证号码, "ID number", id_number and "ＩＤ Number" alike: no spaces, dashes or underscores, lower case."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", header or "")).lower()


_BY_HEADER = {_header_key(alias): BY_KEY[key] for key, aliases in _ALIASES.items() for alias in aliases}


def column_of(header: str) -> Column | None:
    return _BY_HEADER.get(_header_key(header))


@dataclass
class ListRow:
    number: int  # 1-based among the data rows
    name: str
    id_number: str
    id_hash: str
    phone: str
    address: str
    source: str
    batch: str


def read_list(path: Path) -> tuple[list[Column | None], Rows]:
    """The recognised column of each header cell, and the rows after the header; refuses the file whole."""
    return read_rows(path, expected=COLUMNS, recognise=column_of)


def check_list(columns: list[Column | None], rows: Rows) -> tuple[list[ListRow], list[RowError]]:
    """Every row checked on its own and against the rest of the file: (rows, problems)."""
    keyed = [(i, c.key) for i, c in enumerate(columns) if c]
    records: list[ListRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    try:
        for rownum, cells in rows:
            if not any(cells):
                continue
            if len(records) + 1 > MAX_ROWS:
                raise ImportFileError(ImportCode.TOO_MANY_ROWS, _("A file holds at most %(n)s rows"),
                                      {"n": MAX_ROWS})
            n = len(cells)
            raw = {key: (cells[i] if i < n else "") for i, key in keyed}
            with override(LANGUAGES[0]):
                record, problems = _check_row(raw)
            if problems:
                with override(LANGUAGES[1]):
                    problems_en = _check_row(raw)[1]
                for (key, code, reason), (_k, _c, reason_en) in zip(problems, problems_en, strict=True):
                    errors.append(_row_error(rownum, key, raw.get(key, ""), code, reason, reason_en))
            elif record.id_number in seen:
                errors.append(_row_error(rownum, "id_number", record.id_number, ImportCode.DUPLICATE_IN_FILE,
                                         *in_both(_("Same ID number as row %(row)s"), {"row": seen[record.id_number]})))
            else:
                seen[record.id_number] = rownum
                record.number = len(records) + 1
                records.append(record)
            if len(errors) >= MAX_ERRORS:
                break
    finally:
        rows.close()  # stops a spreadsheet's reader process when the checks stop early
    return records, errors


def _check_row(raw: dict[str, str]) -> tuple[ListRow | None, list[tuple[str, str, str]]]:
    """One row's checks in the active language: (row, [(column key, code, reason)])."""
    problems: list[tuple[str, str, str]] = []
    name = raw.get("name", "").strip()
    if not name:
        problems.append(("name", Code.REQUIRED, str(_("Name is required"))))
    id_number = ""
    if isinstance(raw.get("id_number"), InexactNumber):
        problems.append(("id_number", ImportCode.ID_NUMBER_AS_NUMBER, str(_(
            "The ID number was stored as a number, of which the spreadsheet keeps only 15 digits: "
            "format the column as text and type the ID number again"))))
    else:
        try:
            id_number = parse_resident_id(raw.get("id_number", "")).number
        except FieldError as e:
            problems.append(("id_number", e.code, e.message))
    phone = ""
    if raw.get("phone", "").strip():
        try:
            phone = normalise_phone(raw["phone"])
        except FieldError as e:
            problems.append(("phone", e.code, e.message))
    for key in ("name", "address", "source", "batch"):
        limit = BY_KEY[key].max_length
        if len(raw.get(key, "").strip()) > limit:
            problems.append((key, Code.TOO_LONG, str(_("At most %(n)s characters")) % {"n": limit}))
    if problems:
        return None, problems
    return ListRow(0, name, id_number, crypto.blind_index("id", id_number), phone,
                   raw.get("address", "").strip(), raw.get("source", "").strip(), raw.get("batch", "").strip()), []


def _row_error(row: int, key: str, value: str, code: str, reason: str, reason_en: str) -> RowError:
    # Reports are shown and may be kept: ID numbers and phones masked, as everywhere else.
    masked = {"id_number": mask_id_number, "phone": mask_phone}.get(key)
    shown = masked(str(value)) if masked and value else str(value)
    col = BY_KEY.get(key)
    return RowError(row, col.header if col else key, shown[:60], str(code), reason, reason_en)
