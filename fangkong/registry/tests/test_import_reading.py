"""Reading import files: xlsx, xls and ods through python-calamine, and csv. Typed cells read as the
text a person typed; only the first sheet is read; a file that cannot be read at all (not a
spreadsheet, damaged, encrypted, made to crash the reader) is refused whole with a bilingual reason,
and nothing is written.

The .xls, .ods and encrypted workbooks are committed fixtures made by LibreOffice
(fixtures/make_fixtures.py).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook

from fangkong.core.identifiers import mask_id_number
from fangkong.registry import importing
from fangkong.registry.importing import COLUMNS, ImportFileError, import_people, read_rows, template_xlsx
from fangkong.registry.models import Person
from fangkong.registry.tests.fixtures.files import (
    FIXTURES,
    HEADERS,
    LANDLORD,
    OWNER,
    TENANT,
    check_good_import,
    counts,
    good_rows,
    in_both,
    write_xlsx,
)


def refused(places, personas, path: Path) -> ImportFileError:
    """The file is refused whole, in both languages, and nothing at all is written."""
    before = counts()
    with pytest.raises(ImportFileError) as exc:
        import_people(actor=personas["office"], community=places["home"], path=path)
    assert counts() == before
    [error] = exc.value.errors()
    assert error.reason and error.reason_en and error.row is None
    return exc.value


# ---- every format, every writer ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["people.xlsx", "people.xls", "people.ods"])
def test_a_workbook_saved_by_libreoffice_imports_in_each_format(name, places, personas):
    """The good rows as a person types them (grid, room and phone as numbers, dates as date cells, the
    tenant's room "01" as a text cell), with a second sheet after them that must not be read."""
    result = import_people(actor=personas["office"], community=places["home"], path=FIXTURES / name)
    check_good_import(result, places["home"], personas["office"])
    assert Person.objects.by_id_number(TENANT).get().household.room == "01"  # a text cell stays text


@pytest.mark.parametrize("name,saved_as", [("people.xls", ".xlsx"), ("people.xlsx", ".xls"), ("people.ods", ".xlsx")])
def test_a_workbook_under_another_spreadsheet_suffix_is_read_by_its_content(name, saved_as, places, personas,
                                                                            tmp_path):
    path = tmp_path / f"people{saved_as}"
    shutil.copyfile(FIXTURES / name, path)
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    check_good_import(result, places["home"], personas["office"])


def test_only_the_first_sheet_is_read():
    _columns, rows = read_rows(FIXTURES / "people.ods")
    assert [n for n, _cells in rows] == [2, 3, 4, 5, 6]


# ---- typed cells -------------------------------------------------------------------------------------

def test_xlsx_cells_typed_as_numbers_and_dates_read_as_written(places, personas, tmp_path):
    """Excel turns 13812345678 into a number and 2019-11-01 into a date cell unless told otherwise."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    row = dict.fromkeys(HEADERS, None) | {"网格": 1, "楼栋": "5号楼", "房号": 301, "姓名": "孙红", "证件号码": OWNER,
                                          "联系电话": 13812345678, "与户主关系": "户主",
                                          "入住日期": datetime(2019, 11, 1)}
    ws.append(list(row.values()))
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    assert result.ok, result.errors
    p = Person.objects.get()
    assert (p.phone, p.household.room, p.grid.number) == ("13812345678", "301", 1)
    assert p.memberships.get().start_date == date(2019, 11, 1)


@pytest.mark.parametrize("column", ["证件号码", "房东证件号码"])
def test_an_id_number_typed_as_a_number_is_refused_with_the_reason(column, places, personas, tmp_path):
    """Excel keeps 15 digits of a number and an ID number has 18: the digits read are not the ones typed,
    so the row is refused, saying why, with the digits read (never 3.70212E+17) masked."""
    rows = good_rows()
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append([r.get(c.key) or None for c in COLUMNS])
    number = int(OWNER if column == "证件号码" else LANDLORD)
    row = 5 if column == "证件号码" else 6  # 赵梅's own number; the tenant's landlord
    ws.cell(row=row, column=HEADERS.index(column) + 1, value=number)
    path = tmp_path / "numbers.xlsx"
    wb.save(path)
    before = counts()
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    assert not result.ok and counts() == before
    [error] = result.errors
    assert (error.row, error.column, error.code) == (row, column, "id_number_as_number")
    read = dict(read_rows(path)[1])[row][HEADERS.index(column)]  # what the file holds: a double's digits
    assert read.isdigit() and len(read) == 18 and read != str(number)
    assert error.value == mask_id_number(read)
    assert (error.reason, error.reason_en) == in_both(_(
        "The ID number was stored as a number, of which the spreadsheet keeps only 15 digits: "
        "format the column as text and type the ID number again"))


def test_text_cells_stay_text_and_a_date_with_a_time_is_its_day(places, personas, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    row = dict.fromkeys(HEADERS, None) | {"网格": "1", "楼栋": "5号楼", "房号": "0301", "姓名": "孙红",
                                          "证件号码": OWNER, "与户主关系": "户主",
                                          "入住日期": datetime(2019, 11, 1, 8, 30)}
    ws.append(list(row.values()))
    ws.cell(row=2, column=HEADERS.index("房号") + 1).number_format = "@"
    path = tmp_path / "text.xlsx"
    wb.save(path)
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    assert result.ok, result.errors
    p = Person.objects.get()
    assert p.household.room == "0301"
    assert p.memberships.get().start_date == date(2019, 11, 1)


def test_empty_trailing_rows_and_columns_are_ignored(places, personas, tmp_path):
    """Spreadsheets keep formatted or blanked cells after the data: they are not rows, nor columns."""
    path = write_xlsx(tmp_path / "trailing.xlsx", good_rows())
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(row=1, column=len(HEADERS) + 2).number_format = "@"  # a formatted column without a header
    ws.cell(row=3, column=len(HEADERS) + 2, value="   ")
    ws.cell(row=9, column=1, value="  ")  # a row blanked with spaces
    ws.cell(row=40, column=3).number_format = "@"
    wb.save(path)
    _columns, rows = read_rows(path)
    assert [n for n, _cells in rows] == [2, 3, 4, 5, 6]
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    check_good_import(result, places["home"], personas["office"])


def test_the_xlsx_reader_agrees_with_openpyxl_cell_by_cell(tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["1", "3号楼", None, 301, "  padded  ", "甲", True, 3.5, 1.5e10, 13812345678, "=\"户\"&\"主\""])
    ws["O2"] = datetime(2019, 5, 1)
    ws["P2"] = date(2020, 2, 24)
    ws["E4"] = CellRichText([TextBlock(InlineFont(b=True), "粗"), "体"])
    ws["Z7"] = "far right"  # a sparse row after two missing ones
    ws["A9"] = 0.1
    ws["B9"] = -42
    ws["C9"] = False
    path = tmp_path / "mixed.xlsx"
    wb.save(path)

    expected = {}
    sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    for n, row in enumerate(sheet.iter_rows(values_only=True), 1):
        texts = [importing.cell_text(v) for v in row]
        if any(texts):
            expected[n] = texts
    _columns, rows = read_rows(path)
    got = {n: cells for n, cells in rows}
    got[1] = HEADERS
    for n in expected:
        width = max(len(expected[n]), len(got[n]))
        assert got[n] + [""] * (width - len(got[n])) == expected[n] + [""] * (width - len(expected[n])), n
    assert set(got) == set(expected)
    assert got[2][4] == "padded" and got[2][14] == "2019-05-01" and got[4][4] == "粗体"


def test_the_xlsx_reader_takes_namespace_prefixes_and_the_1904_calendar(places, personas, tmp_path):
    """WPS and .NET writers prefix every tag (x:row, x:c); old Mac workbooks count days from 1904."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(HEADERS)
    row = good_rows()[0]
    ws.append([row.get(c.key, "") for c in COLUMNS])
    ws.cell(row=2, column=HEADERS.index("入住日期") + 1, value=datetime(2001, 5, 1))
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(prefixed, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/") and item.filename.endswith(".xml"):
                text = data.decode()
                text = re.sub(r"<(/?)(?![?!])([A-Za-z]+)([\s>/])", r"<\1x:\2\3", text)
                data = text.replace("<x:worksheet xmlns=", "<x:worksheet xmlns:x=", 1).encode()
                assert b"<x:row" in data
            dst.writestr(item, data)
    result = import_people(actor=personas["office"], community=places["home"], path=prefixed)
    assert result.ok, result.errors
    assert Person.objects.get().memberships.get().start_date == date(2001, 5, 1)


# ---- files refused whole ----------------------------------------------------------------------------

@pytest.mark.parametrize("name,content,code", [
    ("people.xls", b"\xd0\xcf\x11\xe0", "unreadable_file"),  # an OLE signature and nothing else
    ("people.txt", "网格,楼栋".encode(), "unsupported_type"),
    ("people.pdf", b"%PDF-1.4", "unsupported_type"),
    ("people.xlsx", b"PK\x03\x04 not really a zip", "unreadable_file"),
    ("people.xlsx", "网格,楼栋\n1,3号楼\n".encode(), "unreadable_file"),  # a csv named .xlsx
    ("people.ods", b"\x00" * 100, "unreadable_file"),
    ("people.xlsx", b"", "unreadable_file"),
    ("people.csv", b"\xff\xfe\x00\xd8\x00\xdc" * 3, "unreadable_file"),
])
def test_files_that_cannot_be_read_are_rejected(places, personas, tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    assert refused(places, personas, path).code == code


@pytest.mark.parametrize("name", ["people.xlsx", "people.xls", "people.ods"])
def test_a_truncated_workbook_is_refused(name, places, personas, tmp_path):
    path = tmp_path / name
    path.write_bytes((FIXTURES / name).read_bytes()[:3000])
    assert refused(places, personas, path).code == "unreadable_file"


@pytest.mark.parametrize("name", ["encrypted.xlsx", "encrypted.xls", "encrypted.ods"])
def test_a_password_protected_workbook_is_refused_saying_so(name, places, personas):
    error = refused(places, personas, FIXTURES / name)
    assert error.code == "encrypted_file"
    assert error.errors()[0].as_dict()["reason_en"] == in_both(_(
        "The file is protected by a password: remove the password and upload it again"))[1]


@pytest.mark.parametrize("dtd,reference", [
    # an entity expansion bomb, and an external entity that would read a file of the server
    (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', b"&b;"),
    (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>', b"&e;"),
], ids=["bomb", "external"])
def test_entities_declared_in_an_xlsx_are_never_expanded(dtd, reference, places, personas, tmp_path):
    plain = write_xlsx(tmp_path / "plain.xlsx", good_rows())
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml") and "王建国".encode() in data:
                data = data.replace("王建国".encode(), reference, 1)
                data = data.replace(b"?>", b"?>" + dtd, 1) if data.startswith(b"<?xml") else dtd + data
            dst.writestr(item, data)
    assert refused(places, personas, evil).code == "unreadable_file"


def test_a_file_that_makes_the_reader_abort_is_refused_and_the_process_lives_on(places, personas, tmp_path):
    """calamine aborts its process when a file makes it allocate too much: here the sheet's DIMENSIONS
    record claims 3.8 billion rows. It reads in a process of its own, so this is only an unreadable file."""
    data = bytearray((FIXTURES / "people.xls").read_bytes())
    at = data.index(b"\x00\x02\x0e\x00")  # DIMENSIONS: first row, last row + 1 (u32), first and last column
    struct.pack_into("<I", data, at + 8, 0xE4000006)
    path = tmp_path / "damaged.xls"
    path.write_bytes(data)
    error = refused(places, personas, path)
    assert error.code == "unreadable_file"
    assert "damaged" in error.errors()[0].reason_en


def test_a_sheet_with_a_cell_in_the_last_column_and_row_is_refused_not_fatal(places, personas, tmp_path):
    """calamine would allocate every cell of the rectangle up to XFD1048576 (17 billion cells)."""
    path = write_xlsx(tmp_path / "far.xlsx", good_rows())
    wb = load_workbook(path)
    wb.active["XFD1048576"] = "x"
    wb.save(path)
    assert refused(places, personas, path).code == "unreadable_file"


@pytest.mark.parametrize("stop", ["too_many_rows", "missing_columns"])
def test_the_reader_process_ends_when_the_import_stops_early(stop, places, personas, tmp_path, monkeypatch):
    children = []
    popen = subprocess.Popen

    def spy(*args, **kwargs):
        children.append(popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(importing.read.subprocess, "Popen", spy)
    if stop == "too_many_rows":
        monkeypatch.setattr(importing.check, "MAX_ROWS", 2)
        path = write_xlsx(tmp_path / "long.xlsx", good_rows())
    else:
        path = write_xlsx(tmp_path / "cols.xlsx", good_rows(), headers=[h for h in HEADERS if h != "姓名"])
    with pytest.raises(ImportFileError) as exc:
        import_people(actor=personas["office"], community=places["home"], path=path)
    assert exc.value.code == stop and Person.objects.count() == 0
    [child] = children
    assert child.returncode is not None  # ended and reaped, not left running


# ---- the template -----------------------------------------------------------------------------------

def test_the_template_has_the_chinese_headers_and_imports_once_filled(places, personas, tmp_path):
    blank = tmp_path / "template.xlsx"
    blank.write_bytes(template_xlsx())
    wb = load_workbook(blank)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.cell(row=2, column=HEADERS.index("证件号码") + 1).number_format == "@"  # 18 digits stay text
    keys = [c.key for c in COLUMNS]
    for i, r in enumerate(good_rows(), start=2):  # the example row is overwritten by the first resident
        for j, key in enumerate(keys, start=1):
            ws.cell(row=i, column=j).value = r.get(key) or None
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    result = import_people(actor=personas["office"], community=places["home"], path=filled)
    check_good_import(result, places["home"], personas["office"])
