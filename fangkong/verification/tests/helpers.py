"""Files of pushed-down lists for the tests, and valid ID numbers of people nobody registered."""

from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from fangkong.core.identifiers import id_check_char

HEADERS_ZH = ["序号", "姓名", "身份证号码", "联系电话", "现住址", "信息来源", "批次"]
HEADERS_EN = ["Name", "ID number", "Phone", "Address", "Source", "Batch"]


def stranger_id(n: int) -> str:
    first17 = f"42010619850{n % 9 + 1}{n % 28 + 1:02d}{n % 1000:03d}"[:17]
    return first17 + id_check_char(first17)


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HEADERS_EN) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[str]], headers: list[str] = HEADERS_ZH) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    text = book.add_format({"num_format": "@"})
    sheet.write_row(0, 0, headers)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            sheet.write_string(i, j, value, text)
    book.close()
    return path


def sample_list(*, actor, street, people, strangers: int = 1):
    """A list uploaded through the real service: a row per registered person (routed by ID number), then
    `strangers` rows that match nowhere. For tests outside this app (the authorisation matrix)."""
    import tempfile

    from fangkong.verification.services import verification_list_upload

    rows = [[p.name, p.id_number, "", "", "大数据", ""] for p in people]
    rows += [[f"外来{n}", stranger_id(900 + n), "", "外省", "上级下发", ""] for n in range(strangers)]
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "sample.csv", rows)
        return verification_list_upload(actor=actor, street=street, batch="样本批次", path=path,
                                        filename="sample.csv").vlist
