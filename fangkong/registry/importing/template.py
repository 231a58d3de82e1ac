"""The blank xlsx a community fills in: the headers, text format for long numbers, lists to pick from."""

from __future__ import annotations

import io

from fangkong.registry.importing.columns import COLUMNS


def template_xlsx() -> bytes:
    from openpyxl import Workbook  # only this download needs openpyxl: not loaded by imports
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append([c.header for c in COLUMNS])
    # No example row on the data sheet: a forgotten example would be imported as a person.
    # The examples are on the notes sheet.
    for i, c in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000" if c.required else "000000")
        ws.column_dimensions[cell.column_letter].width = max(10, len(c.example) * 2 + 2)
        if c.key in ("id_number", "landlord_id_number", "phone"):
            # 18-digit numbers must stay text: Excel keeps only 15 significant digits.
            for row in range(2, 2001):
                ws.cell(row=row, column=i).number_format = "@"
    rel = DataValidation(type="list", formula1='"户主,配偶,子女,父母,孙子女,兄弟姐妹,其他亲属,租户,其他"',
                         allow_blank=True)
    cat = DataValidation(type="list", formula1='"户籍人口,人户分离,流动人口,租户"', allow_blank=True)
    ws.add_data_validation(rel)
    ws.add_data_validation(cat)
    rel.add("K2:K5000")
    cat.add("L2:L5000")
    notes = wb.create_sheet("说明 Notes")
    notes.append(["列 Column", "必填 Required", "说明 Notes"])
    for c in COLUMNS:
        notes.append([f"{c.header} / {c.header_en}", "是 yes" if c.required else "否 no", c.example])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
