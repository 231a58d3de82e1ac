"""The writer read back with openpyxl (and LibreOffice): the forms' layout, cell types, constant memory."""

from __future__ import annotations

import shutil
import subprocess
import tracemalloc
import uuid
from dataclasses import replace
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from fangkong.accounts.roles import Perm
from fangkong.ledgers import writer
from fangkong.ledgers.layouts import Layout, layout_default, layout_from_data
from fangkong.ledgers.spec import REMARKS, SERIAL, Column, ExportContext, Kind, LedgerSpec, Level
from fangkong.ledgers.writer import write_ledger

ID = "370212199001011234"

COLUMNS = (SERIAL, Column("name", "姓名"), Column("id_number", "身份证号码", kind=Kind.ID),
           Column("phone", "联系电话", kind=Kind.PHONE),
           Column("left", "离开湖北日期", group="外出情况", kind=Kind.DATE),
           Column("arrived", "抵达时间", group="外出情况", kind=Kind.DATETIME),
           Column("fever", "是否发热", kind=Kind.FLAG), Column("temperature", "体温", kind=Kind.DECIMAL), REMARKS)


def _rows(n: int):
    for i in range(n):
        yield {"name": f"张{i}", "id_number": ID, "phone": "13800001111", "left": date(2020, 1, 20),
               "arrived": datetime(2020, 1, 21, 2, 30, tzinfo=ZoneInfo("UTC")), "fever": i % 2 == 0,
               "temperature": 36.5, "remarks": ""}


SPEC = LedgerSpec(key="returnees", title="返回湖北人员摸排登记台账", columns=COLUMNS, perm=Perm.VIEW_REGISTRY,
                  level=Level.COMMUNITY, rows=lambda ctx: _rows(3), count=lambda ctx: 3)
STREET_SPEC = replace(SPEC, level=Level.STREET, columns=(SERIAL, Column("community", "社区"), REMARKS))
CTX = ExportContext(actor=None, communities=(SimpleNamespace(name="一号社区"),),
                    street=SimpleNamespace(name="中韩街道"), date_from=date(2020, 2, 6), date_to=date(2020, 2, 6),
                    reveal_id=True, reveal_phone=True)
MARK = "导出人: 李主任 · 2020年2月6日 10:00"


def _write(tmp_path, spec=SPEC, layout=None, ctx=CTX, rows=None, **kwargs):
    out = tmp_path / f"{uuid.uuid4().hex}.xlsx"
    count = write_ledger(spec, layout or layout_default(spec), ctx, out, watermark=MARK, filled_by="李主任",
                         phone="0532-88888888", rows=rows, **kwargs)
    return count, openpyxl.load_workbook(out), out


def test_title_row_two_and_grouped_headers(tmp_path):
    count, book, _out = _write(tmp_path)
    sheet = book.active
    assert count == 3
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A1:I1" in merged and sheet["A1"].value == "返回湖北人员摸排登记台账" and sheet["A1"].font.b
    row2 = " ".join(str(c.value) for c in sheet[2] if c.value)
    assert "社区(村): 一号社区" in row2 and "填表日期: 2020年2月6日" in row2 and MARK in row2
    # two-row header: the group across its columns on row 3, sub-headers on row 4, the rest merged down
    assert sheet["E3"].value == "外出情况" and "E3:F3" in merged
    assert sheet["E4"].value == "离开湖北日期" and sheet["F4"].value == "抵达时间"
    assert sheet["A3"].value == "序号" and "A3:A4" in merged and "I3:I4" in merged and sheet["I3"].value == "备注"
    assert sheet.freeze_panes == "A5"
    assert sheet.print_title_rows == "$1:$4"


def test_cells_ids_as_text_dates_flags_serial_and_footer(tmp_path):
    _count, book, _out = _write(tmp_path)
    sheet = book.active
    assert [sheet.cell(row=r, column=1).value for r in (5, 6, 7)] == [1, 2, 3]
    id_cell = sheet["C5"]
    assert id_cell.value == ID and id_cell.data_type == "s" and id_cell.number_format == "@"
    assert sheet["D5"].value == "13800001111" and sheet["D5"].data_type == "s"
    assert sheet["E5"].value == datetime(2020, 1, 20) and sheet["E5"].number_format == 'yyyy"年"m"月"d"日"'
    assert sheet["F5"].value == datetime(2020, 1, 21, 10, 30)  # in Asia/Shanghai
    assert "年" in sheet["F5"].number_format and "hh:mm" in sheet["F5"].number_format
    assert [sheet["G5"].value, sheet["G6"].value] == ["是", "否"]
    footer = " ".join(str(c.value) for c in sheet[9] if c.value)
    assert "填报人: 李主任" in footer and "联系电话: 0532-88888888" in footer and "审核人" in footer
    assert sheet.column_dimensions["C"].width >= 20  # an 18-digit number fits
    assert MARK in sheet.oddHeader.right.text


def test_street_ledger_names_the_street_and_a_range(tmp_path):
    ctx = replace(CTX, date_from=date(2020, 2, 1))
    _count, book, _out = _write(tmp_path, spec=STREET_SPEC, ctx=ctx, rows=iter([{"community": "一号社区"}]))
    row2 = " ".join(str(c.value) for c in book.active[2] if c.value)
    assert "街道: 中韩街道" in row2 and "统计日期: 2020年2月1日至2020年2月6日" in row2


def test_zero_rows_still_make_a_ledger(tmp_path):
    count, book, _out = _write(tmp_path, rows=iter(()))
    sheet = book.active
    assert count == 0 and sheet["A1"].value == SPEC.title and sheet["A3"].value == "序号"


def test_layout_picks_orders_renames_and_regroups(tmp_path):
    layout = layout_from_data(SPEC, title="本社区返回人员", columns=[
        {"key": "serial", "header": "序号"}, {"key": "phone", "header": "手机", "group": ""},
        {"key": "name", "header": "姓名(全名)"}, {"key": "gone", "header": "removed column"}])
    _count, book, _out = _write(tmp_path, layout=layout)
    sheet = book.active
    assert sheet["A1"].value == "本社区返回人员"
    assert [c.value for c in sheet[3]] == ["序号", "手机", "姓名(全名)"]
    assert sheet["B4"].value == "13800001111"  # no group: data from row 4


def test_more_rows_than_a_sheet_continue_on_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "MAX_ROWS_PER_SHEET", 4)
    count, book, _out = _write(tmp_path, rows=_rows(10))
    assert count == 10 and len(book.worksheets) == 3
    second = book.worksheets[1]
    assert second["A1"].value == SPEC.title and second["E3"].value == "外出情况"
    assert MARK in " ".join(str(c.value) for c in second[2] if c.value)
    assert second["A5"].value == 5  # the serial carries on


def test_progress_is_reported(tmp_path):
    seen: list[int] = []
    _write(tmp_path, rows=_rows(2500), progress=seen.append)
    assert seen == [1000, 2000, 2500]


def _peak(tmp_path, n: int) -> int:
    layout = Layout(title="t", columns=[(SERIAL, "序号"), (Column("name", "姓名"), "姓名"),
                                       (Column("id_number", "身份证", kind=Kind.ID), "身份证")])
    rows = ({"name": "张三", "id_number": ID} for _i in range(n))
    tracemalloc.start()
    try:
        write_ledger(SPEC, layout, CTX, tmp_path / f"{n}.xlsx", watermark=MARK, rows=rows)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_rows(tmp_path):
    small, large = _peak(tmp_path, 2_000), _peak(tmp_path, 200_000)
    assert large < small + 2_000_000, (small, large)  # constant_memory: a row at a time


def test_libreoffice_opens_the_file(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: `./run test` installs it")
    _count, _book, out = _write(tmp_path)
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    text = out.with_suffix(".csv").read_text(encoding="utf-8")
    assert "返回湖北人员摸排登记台账" in text and ID in text and "2020年1月20日" in text


def test_text_needing_escapes_and_spaces_survives(tmp_path):
    rows = iter([{"name": "a<b & c>", "id_number": " 370212 ", "phone": "x\x01y", "remarks": "_x0041_"}])
    layout = Layout(title="t", columns=[(Column("name", "姓名"), "姓名"), (SERIAL, "序号"),
                                       (Column("id_number", "身份证", kind=Kind.ID), "身份证"),
                                       (Column("phone", "电话", kind=Kind.PHONE), "电话"), (REMARKS, "备注")])
    _count, book, _out = _write(tmp_path, layout=layout, rows=rows)
    sheet = book.active
    # Control characters travel as Excel's _xHHHH_ escapes (and a literal one is escaped again), which
    # Excel decodes and openpyxl shows as written, exactly as XlsxWriter's own cells.
    assert [c.value for c in sheet[4]] == ["a<b & c>", 1, " 370212 ", "x_x0001_y", "_x005F_x0041_"]
