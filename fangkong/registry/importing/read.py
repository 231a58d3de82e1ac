"""Read an import file into its recognised columns and its rows of cell texts.

Spreadsheets (.xlsx, .xls, .ods) are read by python-calamine, a binding of the Rust reader calamine,
in a process of its own (read_sheet.py, which says why): the first sheet, values only, a 50,000-row
sheet in about two seconds, while the rows already read are being checked. Its XML parser (quick-xml)
never expands an entity a document declares, so entity bombs and external entities fail as
unreadable files. Typed cells become the text a person typed: 13812345678 rather than 13812345678.0, dates as
2020-02-24. csv is read as UTF-8 (with or without a byte-order mark) or else GB18030, which Excel
and WPS write on Chinese Windows.
"""

from __future__ import annotations

import csv
import io
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Generator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from fangkong.registry.errors import RegistryCode
from fangkong.registry.importing.columns import COLUMNS, Column, column_of
from fangkong.registry.importing.errors import ImportCode, ImportFileError

SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods")
SUFFIXES = (*SPREADSHEET_SUFFIXES, ".csv")  # what the upload form and the command accept

Rows = Generator[tuple[int, list[str]], None, None]  # (row number as the spreadsheet shows it, cell texts)

_READ_SHEET = Path(__file__).with_name("read_sheet.py")
READ_SECONDS = 300  # to parse the sheet; a 200,000-row sheet takes seconds

# Excel, WPS and LibreOffice keep a number to 15 significant digits (a double holds 15 to 17):
# an 18-digit ID number typed as a number has already lost its last digits in the file.
EXACT_DIGITS = 15


class InexactNumber(str):
    """The text of a number cell of more than 15 digits, whose last digits the file did not keep."""

    __slots__ = ()


UNSUPPORTED_TYPE_MESSAGE = _("Upload an .xlsx, .xls, .ods or .csv file")


def cell_text(v) -> str:
    """A cell's value as the text a person typed in it."""
    if isinstance(v, str):
        return v.strip()
    if v is None:
        return ""
    if isinstance(v, float):
        if not v.is_integer():
            return str(v)
        text = str(int(v))
        return InexactNumber(text) if len(text.lstrip("-")) > EXACT_DIGITS else text
    if isinstance(v, datetime | date):  # a date cell; a time of day on a "since" date means nothing
        return v.isoformat()[:10]
    if isinstance(v, time):
        return v.isoformat()
    if isinstance(v, timedelta):
        return str(v)
    return str(v)  # int, bool


def table_rows(path: Path) -> Rows:
    """(row number, cell values) of every row of the file, its header first: a spreadsheet's first sheet
    or a csv. Other readers of uploaded tables (pushed-down lists) map their own columns on it."""
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _sheet_rows(path)
    if suffix == ".csv":
        return _csv_rows(path)
    raise ImportFileError(RegistryCode.UNSUPPORTED_TYPE, UNSUPPORTED_TYPE_MESSAGE)


def read_rows(path: Path, *, expected: Sequence = COLUMNS,
              recognise: Callable[[str], Any] = column_of) -> tuple[list[Column | None], Rows]:
    """The recognised column of each header cell (None if unknown), and the rows after the header. By default
    the registry's columns; another reader of uploaded tables passes its own (`.key`, `.header`, `.required`)
    and the function that recognises a header text; a required column missing refuses the file whole."""
    rows = table_rows(path)
    _n, header = next(rows, (1, []))
    columns = [recognise(cell_text(h)) for h in header]
    present = {c.key for c in columns if c}
    missing = [c.header for c in expected if c.required and c.key not in present]
    if missing:
        rows.close()  # a spreadsheet's reader process stops now, not when the generator is collected
        raise ImportFileError(ImportCode.MISSING_COLUMNS, _("Missing required columns: %(cols)s"),
                              {"cols": "、".join(missing)}, columns=missing)
    return columns, rows


def _csv_rows(path: Path) -> Rows:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(ImportCode.UNREADABLE_FILE, _("The csv file is neither UTF-8 nor GB18030"))
    return ((n, [c.strip() for c in r]) for n, r in enumerate(csv.reader(io.StringIO(text)), start=1))


def _sheet_rows(path: Path) -> Rows:
    """The rows of the first sheet, read by read_sheet.py in a process of its own (see there why)."""
    child = subprocess.Popen([sys.executable, "-I", str(_READ_SHEET), str(path)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    # calamine parses the whole sheet before the first message; one that takes longer is unreadable.
    # Afterwards the child only hands over rows as fast as the checks take them, which may be slow.
    deadline = threading.Timer(READ_SECONDS, child.kill)
    deadline.start()
    try:
        status = _receive(child)
        deadline.cancel()
        if status is None:
            raise _crashed()
        if status[0] == "unreadable":
            raise ImportFileError(ImportCode.UNREADABLE_FILE,
                                  _("The file is not a readable spreadsheet (.xlsx, .xls or .ods)"))
        if status[0] == "encrypted":
            raise ImportFileError(ImportCode.ENCRYPTED_FILE, _(
                "The file is protected by a password: remove the password and upload it again"))
        first_row, first_col = status[1] or (0, 0)  # calamine's range starts at the first cell with a value
        pad = [""] * first_col
        rownum = first_row
        while (chunk := _receive(child)) is not None:
            for cells in chunk:
                rownum += 1
                # Texts and empty cells ("") are most cells: only the others go through cell_text.
                texts = [c.strip() if type(c) is str else cell_text(c) for c in cells]
                if any(texts):  # rows between the data that hold nothing are not rows of the file
                    yield rownum, pad + texts
        if child.wait() != 0:
            raise _crashed()
    finally:
        deadline.cancel()
        child.kill()  # when the import stops early (too many rows or problems), or on any error
        child.wait()
        child.stdout.close()


def _receive(child: subprocess.Popen):
    """The next message of read_sheet.py, or None if it ended (or crashed) without one."""
    try:
        # Pickles made by our own child process from calamine's values, never bytes of the upload.
        return pickle.load(child.stdout)  # noqa: S301
    except Exception:  # a message cut short by a crash or a kill
        return None


def _crashed() -> ImportFileError:
    # The reader died (calamine aborts when a damaged header or a cell far beyond the data makes it
    # allocate more than the memory cap) or took too long.
    return ImportFileError(ImportCode.UNREADABLE_FILE, _(
        "The file cannot be read: it is damaged, or its sheet reaches far beyond its data "
        "(delete the rows and columns after the data)"))
