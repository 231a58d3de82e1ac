"""Fixtures of the ledger sources' tests: gates, a context for an export, and reading a written ledger back."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from fangkong.core.dates import local_today
from fangkong.gates.models import Gate
from fangkong.ledgers.layouts import layout_default
from fangkong.ledgers.spec import ExportContext, LedgerSpec
from fangkong.ledgers.writer import write_ledger


@pytest.fixture
def gates(places):
    return {
        "east": Gate.objects.create(community=places["home"], code="east", name="辽阳东路门岗"),
        "c2": Gate.objects.create(community=places["neighbour"], code="c2gate", name="二号社区门岗"),
    }


@pytest.fixture
def ctx(personas, places):
    """An ExportContext: the home community over the last week by default."""

    def make(*, communities=None, street=None, date_from: date | None = None, date_to: date | None = None,
             reveal: bool = False, actor="leader") -> ExportContext:
        today = local_today()
        return ExportContext(actor=personas[actor], communities=tuple(communities or (places["home"],)),
                             street=street, date_from=date_from or today - timedelta(days=7),
                             date_to=date_to or today, reveal_id=reveal, reveal_phone=reveal)

    return make


def write_and_read(spec: LedgerSpec, context: ExportContext, tmp_path: Path):
    """Write the ledger with the engine and open it with openpyxl: (sheet, rows written)."""
    out = tmp_path / f"{spec.key}.xlsx"
    count = write_ledger(spec, layout_default(spec), context, out, watermark="导出人: 测试")
    return openpyxl.load_workbook(out).worksheets[0], count


def header_texts(sheet, spec: LedgerSpec) -> list[str]:
    """The header text of each column: row 4 under a group, else row 3."""
    grouped = any(c.group for c in spec.columns)
    out = []
    for index, column in enumerate(spec.columns, start=1):
        row = 4 if grouped and column.group else 3
        out.append(sheet.cell(row=row, column=index).value)
    return out


def data_rows(sheet, spec: LedgerSpec, count: int) -> list[tuple]:
    first = 5 if any(c.group for c in spec.columns) else 4
    return [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=first, max_row=first + count - 1)]


def all_text(sheet) -> str:
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


def title_merged(sheet, spec: LedgerSpec) -> bool:
    """Row 1 is one cell merged across every column."""
    return f"A1:{get_column_letter(len(spec.columns))}1" in {str(r) for r in sheet.merged_cells.ranges}
