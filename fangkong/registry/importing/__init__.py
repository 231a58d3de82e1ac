"""Import households and people from a spreadsheet (xlsx, xls, ods) or csv: all or nothing.

    read.py      the file → its columns and rows of cell texts (csv here; spreadsheets by read_sheet.py,
                 python-calamine in a process of its own, so that a file that crashes it cannot crash us)
    check.py     every row checked, ID numbers against the file and the database; the row-level report
    write.py     the checked rows inserted in bulk, inside the caller's transaction
    people.py    import_people: read → check → write in one transaction, or the report and nothing written
    template.py  the blank xlsx to fill in
    columns.py, errors.py   the columns; the codes, RowError and ImportFileError

Speed (docs/performance.md): 50,000 people in well under a minute.
"""

from fangkong.registry.importing.check import MAX_ERRORS, MAX_ROWS
from fangkong.registry.importing.columns import COLUMNS, Column
from fangkong.registry.importing.errors import ImportCode, ImportFileError, RowError
from fangkong.registry.importing.people import ImportResult, import_people
from fangkong.registry.importing.read import SUFFIXES, cell_text, read_rows
from fangkong.registry.importing.template import template_xlsx

__all__ = [
    "COLUMNS", "MAX_ERRORS", "MAX_ROWS", "SUFFIXES", "Column", "ImportCode", "ImportFileError", "ImportResult",
    "RowError", "cell_text", "import_people", "read_rows", "template_xlsx",
]
