"""Writes a ledger as an xlsx file in the layout of ../shared/forms.md §0, streaming.

XlsxWriter's constant_memory mode flushes each row to disk as soon as the next one starts, so memory
stays flat whatever the number of rows — the price is that rows must be written strictly in order
(a cell written to an earlier row is lost), which shapes the header code below.

Layout of a sheet: row 1 the title merged across; row 2 the community (or street), the date or date
range and the watermark (who exported it, when); row 3 the headers (rows 3–4 when columns are grouped:
the group merged across its columns, the columns without a group merged over both rows); the data; then a
footer block 填报人 / 联系电话 / 审核人 / 日期. More rows than a sheet holds continue on a next sheet with
the same title, header and watermark.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import xlsxwriter
from django.conf import settings
from xlsxwriter.utility import xl_col_to_name

from fangkong.ledgers.layouts import Layout
from fangkong.ledgers.spec import SERIAL, Column, ExportContext, Kind, LedgerSpec, Level

# Excel holds 1,048,576 rows; keep a margin for the title, header and footer rows.
MAX_ROWS_PER_SHEET = 1_048_000
# How often the writer reports progress (rows); the caller turns it into a percent.
PROGRESS_EVERY = 1000
# Column widths are fitted to the header, the kind, and the data of the first rows (later rows are
# flushed already, and measuring two million cells costs more than it helps).
FIT_ROWS = 500
MAX_WIDTH = 40

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
TIME_FORMAT = "hh:mm:ss"

# The width a kind needs at least, in characters (a CJK character counts two).
KIND_WIDTH = {
    Kind.ID: 20, Kind.PHONE: 13, Kind.DATE: 15, Kind.DATETIME: 21, Kind.TIME: 9, Kind.FLAG: 5,
    Kind.NUMBER: 6, Kind.DECIMAL: 7, Kind.TEXT: 8,
}


def text_width(text: str) -> int:
    """Display width: full-width (CJK) characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def watermark_text(*, name: str, at: datetime) -> str:
    """The line every sheet carries: who exported it and when (local time)."""
    local = at.astimezone(_tz()) if at.tzinfo else at
    return f"导出人: {name} · {cn_date(local.date())} {local:%H:%M}"


def place_text(ctx: ExportContext, spec: LedgerSpec) -> str:
    if spec.level == Level.STREET and ctx.street is not None:
        return f"街道: {ctx.street.name}"
    names = "、".join(community.name for community in ctx.communities)
    return f"社区(村): {names}"


def period_text(ctx: ExportContext) -> str:
    if ctx.date_from == ctx.date_to:
        return f"填表日期: {cn_date(ctx.date_from)}"
    return f"统计日期: {cn_date(ctx.date_from)}至{cn_date(ctx.date_to)}"


_TZ: ZoneInfo | None = None


def _tz() -> ZoneInfo:
    global _TZ
    if _TZ is None:
        _TZ = ZoneInfo(settings.TIME_ZONE)
    return _TZ


class _Sheets:
    """The workbook's formats and the sheet being written; opens the next sheet when one is full."""

    def __init__(self, book: xlsxwriter.Workbook, layout: Layout, *, place: str, period: str, watermark: str):
        self.book, self.layout = book, layout
        self.place, self.period, self.watermark = place, period, watermark
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
        cell = {**base, "border": 1}
        self.f_title = book.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
        self.f_info = book.add_format({**base, "font_size": 10})
        self.f_info_right = book.add_format({**base, "font_size": 10, "align": "right"})
        self.f_head = book.add_format({**cell, "bold": True, "align": "center", "text_wrap": True,
                                       "bg_color": "#EDEDED"})
        self.f_text = book.add_format(cell)
        self.f_string = book.add_format({**cell, "num_format": "@"})
        self.f_date = book.add_format({**cell, "num_format": DATE_FORMAT, "align": "left"})
        self.f_datetime = book.add_format({**cell, "num_format": DATETIME_FORMAT, "align": "left"})
        self.f_time = book.add_format({**cell, "num_format": TIME_FORMAT, "align": "left"})
        self.f_number = book.add_format({**cell, "align": "center"})
        self.f_decimal = book.add_format({**cell, "num_format": "0.0"})
        self.f_flag = book.add_format({**cell, "align": "center"})
        self.f_footer = book.add_format({**base})
        self.grouped = any(column.group for column, _h in layout.columns)
        self.header_rows = 2 if self.grouped else 1
        self.first_data_row = 2 + self.header_rows
        self.widths = [
            max(column.width or 0, text_width(header) + 2, KIND_WIDTH.get(column.kind, 8))
            for column, header in layout.columns
        ]
        self.sheets: list = []
        self.sheet = None
        self.row = 0

    def open(self) -> None:
        number = len(self.sheets) + 1
        name = "台账" if number == 1 else f"台账({number})"
        sheet = self.book.add_worksheet(name)
        self.sheets.append(sheet)
        self.sheet = sheet
        last = len(self.layout.columns) - 1
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0, self.first_data_row - 1)
        sheet.freeze_panes(self.first_data_row, 0)
        mark = self.watermark.replace("&", "&&")
        sheet.set_header(f"&R&8{mark}")
        sheet.set_footer(f"&L&8{mark}&R&P / &N")
        sheet.set_row(0, 30)
        if last > 0:
            sheet.merge_range(0, 0, 0, last, self.layout.title, self.f_title)
        else:
            sheet.write_string(0, 0, self.layout.title, self.f_title)
        self._info_row(last)
        self._header(last)
        self.row = self.first_data_row

    def _info_row(self, last: int) -> None:
        """Row 2: place, period and watermark, in three merged blocks when the sheet is wide enough."""
        sheet = self.sheet
        if last >= 5:
            third = (last + 1) // 3
            blocks = [(0, third - 1, self.place, self.f_info), (third, 2 * third - 1, self.period, self.f_info),
                      (2 * third, last, self.watermark, self.f_info_right)]
            for first, end, text, fmt in blocks:
                if end > first:
                    sheet.merge_range(1, first, 1, end, text, fmt)
                else:
                    sheet.write_string(1, first, text, fmt)
        else:
            text = "    ".join((self.place, self.period, self.watermark))
            if last > 0:
                sheet.merge_range(1, 0, 1, last, text, self.f_info)
            else:
                sheet.write_string(1, 0, text, self.f_info)

    def _header(self, last: int) -> None:
        sheet, columns = self.sheet, self.layout.columns
        if not self.grouped:
            for index, (_column, header) in enumerate(columns):
                sheet.write_string(2, index, header, self.f_head)
            return
        sheet.set_row(2, 20)
        sheet.set_row(3, 20)
        # Row 3 first (constant_memory: a later row flushes this one): groups merged across their columns
        # (one row, safe), ungrouped headers written in their top cell.
        index = 0
        while index < len(columns):
            column, header = columns[index]
            if not column.group:
                sheet.write_string(2, index, header, self.f_head)
                index += 1
                continue
            end = index
            while end + 1 < len(columns) and columns[end + 1][0].group == column.group:
                end += 1
            if end > index:
                sheet.merge_range(2, index, 2, end, column.group, self.f_head)
            else:
                sheet.write_string(2, index, column.group, self.f_head)
            index = end + 1
        # Row 4: the sub-headers, and formatted blanks under the ungrouped headers.
        vertical = []
        for index, (column, header) in enumerate(columns):
            if column.group:
                sheet.write_string(3, index, header, self.f_head)
            else:
                sheet.write_blank(3, index, None, self.f_head)
                vertical.append(index)
        # The vertical merges are registered without writing (their cells are written above):
        # merge_range would write row 3 again after row 4, which constant_memory silently drops.
        for index in vertical:
            sheet.merge.append([2, index, 3, index])

    def start_rows(self) -> Callable[[str], int]:
        """Flush the header rows XlsxWriter still holds and return the writer of raw row XML (see below)."""
        self.sheet._write_single_row(self.first_data_row)
        return self.sheet.fh.write

    def end_rows(self) -> None:
        """Tell XlsxWriter where the data ended: its dimension, and the row it holds nothing for."""
        last = self.row - 1
        sheet = self.sheet
        if last >= self.first_data_row:
            sheet.dim_rowmax = max(sheet.dim_rowmax or 0, last)
            sheet.previous_row = last

    def footer(self, filled_by: str, phone: str) -> None:
        sheet, row = self.sheet, self.row + 1
        parts = [f"填报人: {filled_by or '________'}", f"联系电话: {phone or '________'}",
                 "审核人: ________", "日期: ________"]
        count = len(self.layout.columns)
        if count >= 4:
            step = count // 4
            for number, text in enumerate(parts):
                sheet.write_string(row, number * step, text, self.f_footer)
        else:
            sheet.write_string(row, 0, "    ".join(parts), self.f_footer)

    def close(self) -> None:
        for sheet in self.sheets:
            for index, width in enumerate(self.widths):
                sheet.set_column(index, index, min(width, MAX_WIDTH))


# --- data rows ------------------------------------------------------------------------------------------
# The data rows bypass XlsxWriter's per-cell API and go straight into the sheet's row file as XML: the API
# costs ~10 µs a cell (dimension checks, a cell tuple, attribute escaping), which made a day's gate log of
# a district (2,000,000 rows × 12 columns) take minutes. The header, merges, formats and footer still go
# through XlsxWriter, which assembles the package; the XML written here is what its constant_memory mode
# writes for the same cells (inline strings, numbers, styled blanks).

_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]|_x[0-9A-Fa-f]{4}_")
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


def _escape(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    text = xml_escape_control(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_escape_control(text: str) -> str:
    """Excel's escape of control characters (_xHHHH_), and of literal _xHHHH_ text, as XlsxWriter does."""
    text = re.sub(r"(_x[0-9a-fA-F]{4}_)", r"_x005F\1", text)
    return re.sub(r"([\x00-\x08\x0b-\x1f])", lambda m: f"_x{ord(m.group(1)):04X}_", text)


def _string_xml(style: int) -> Callable[[str, str], str]:
    def cell(ref: str, text: str) -> str:
        text = _escape(text)
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    return cell


def _serial(value: date | datetime | time) -> float:
    """Excel's serial number of a date, a naive local datetime or a time."""
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return value.toordinal() - _EXCEL_EPOCH + seconds / 86400
    if isinstance(value, date):
        return value.toordinal() - _EXCEL_EPOCH
    return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400


def _cell_xml(sheets: _Sheets, column: Column) -> Callable[[str, object], str]:
    """A function (cell reference, value) → the cell's XML, or a bordered blank."""
    kind = column.kind
    blank_style = sheets.f_text._get_xf_index()

    def blank(ref: str) -> str:
        return f'<c r="{ref}" s="{blank_style}"/>'

    text = _string_xml(blank_style)
    if kind in (Kind.ID, Kind.PHONE):
        # As text in a text-formatted cell: Excel keeps 15 digits of a number and would round an ID.
        as_string = _string_xml(sheets.f_string._get_xf_index())
        return lambda ref, value: blank(ref) if value is None or value == "" else as_string(ref, str(value))
    if kind == Kind.FLAG:
        flag = _string_xml(sheets.f_flag._get_xf_index())
        return lambda ref, value: blank(ref) if value is None or value == "" else flag(ref, "是" if value else "否")
    if kind in (Kind.NUMBER, Kind.DECIMAL):
        style = (sheets.f_number if kind == Kind.NUMBER else sheets.f_decimal)._get_xf_index()

        def number(ref: str, value) -> str:
            if value is None or value == "":
                return blank(ref)
            if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
                return text(ref, str(value))
            shown = str(value) if isinstance(value, int) else f"{float(value):.16G}"
            return f'<c r="{ref}" s="{style}"><v>{shown}</v></c>'
        return number
    if kind in (Kind.DATE, Kind.DATETIME, Kind.TIME):
        tz = _tz()
        styles = {date: sheets.f_date._get_xf_index(), datetime: sheets.f_datetime._get_xf_index(),
                  time: sheets.f_time._get_xf_index()}

        def when(ref: str, value) -> str:
            if value is None or value == "":
                return blank(ref)
            if isinstance(value, datetime):
                if value.tzinfo is not None:
                    value = value.astimezone(tz).replace(tzinfo=None)
                if kind == Kind.DATE:
                    value = value.date()
                elif kind == Kind.TIME:
                    value = value.time()
            if isinstance(value, datetime):
                style = styles[datetime]
            elif isinstance(value, date):
                style = styles[date]
            elif isinstance(value, time):
                style = styles[time]
            else:
                return text(ref, str(value))
            return f'<c r="{ref}" s="{style}"><v>{_serial(value):.16G}</v></c>'
        return when
    return lambda ref, value: blank(ref) if value is None or value == "" else text(ref, str(value))


def write_rows(sheets: _Sheets, rows: Iterable[dict], *, progress: Callable[[int], None] | None) -> int:
    columns = sheets.layout.columns
    keys = [column.key for column, _h in columns]
    letters = [xl_col_to_name(index) for index in range(len(keys))]
    serial_style = sheets.f_number._get_xf_index()
    text_style = sheets.f_text._get_xf_index()
    # (letter, key, cell writer, index, plain text?): plain text cells — most of a ledger — are written
    # inline below when they need no escaping, the rest through their kind's writer.
    plan = [(letters[i], key, _cell_xml(sheets, column), i, column.kind == Kind.TEXT)
            for i, (key, (column, _h)) in enumerate(zip(keys, columns, strict=True))]
    serial = SERIAL.key
    needs_escape = _NEEDS_ESCAPE.search
    widths = sheets.widths
    count = 0
    sheets.open()
    out = sheets.start_rows()
    for data in rows:
        if sheets.row - sheets.first_data_row >= MAX_ROWS_PER_SHEET:
            sheets.end_rows()
            sheets.open()
            out = sheets.start_rows()
        count += 1
        number = sheets.row + 1  # the row's number in the sheet (1-based)
        parts = [f'<row r="{number}">']
        for letter, key, cell, index, plain in plan:  # in column order, as the file format requires
            if key == serial:
                parts.append(f'<c r="{letter}{number}" s="{serial_style}"><v>{count}</v></c>')
                continue
            value = data.get(key)
            if (plain and value.__class__ is str and value and needs_escape(value) is None
                    and not value[0].isspace() and not value[-1].isspace()):
                parts.append(f'<c r="{letter}{number}" s="{text_style}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                parts.append(cell(f"{letter}{number}", value))
            if count <= FIT_ROWS and isinstance(value, str):
                width = text_width(value) + 2
                if width > widths[index]:
                    widths[index] = width
        parts.append("</row>")
        out("".join(parts))
        sheets.row += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    sheets.end_rows()
    return count  # zero rows still make a ledger: title, header and footer (零报告)


def write_ledger(spec: LedgerSpec, layout: Layout, ctx: ExportContext, out: Path, *, watermark: str,
                 filled_by: str = "", phone: str = "", progress: Callable[[int], None] | None = None,
                 rows: Iterable[dict] | None = None) -> int:
    """Write the ledger `spec` for `ctx` in `layout` to `out` (xlsx) and return the number of data rows.
    `rows` overrides `spec.rows(ctx)` (tests, benchmarks)."""
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False,
                                          "tmpdir": str(Path(out).parent)})
    book.set_properties({"title": layout.title, "comments": watermark})
    sheets = _Sheets(book, layout, place=place_text(ctx, spec), period=period_text(ctx), watermark=watermark)
    try:
        count = write_rows(sheets, spec.rows(ctx) if rows is None else rows, progress=progress)
        sheets.footer(filled_by, phone)
        sheets.close()
    finally:
        book.close()
    if progress is not None:
        progress(count)
    return count
