"""Read the first sheet of a workbook with python-calamine and stream its rows to stdout as pickles.

read.py runs this file in a process of its own (`python -I read_sheet.py FILE`): calamine is native
code, and some files make it abort the whole process instead of raising: a damaged .xls header that
asks for a 94 GB allocation, or a single cell in the last column (XFD), for which calamine allocates
every cell of the rectangle. In-process that would take the worker, or the web process when tasks
run inline, down with it; here it is only an unreadable file. The memory cap makes a zip bomb or a
huge rectangle fail the same way, before it exhausts the machine. This file imports nothing of
Fangkong, so it starts in tens of milliseconds.

Messages, each one pickle: ("ok", first cell (row, column) or None) | ("encrypted",) | ("unreadable",);
after "ok", lists of rows (lists of cell values), then None.
"""

from __future__ import annotations

import pickle
import resource
import sys

from python_calamine import CalamineSheet, CalamineWorkbook, PasswordError

MEMORY_BYTES = 4 << 30  # address space: a 200,000-row sheet needs well under 1 GB
CHUNK = 500  # rows a message: the importer checks rows while the rest are read


def first_sheet(path: str) -> CalamineSheet | None:
    """The first sheet, found by the file's suffix, else by its content (an .xlsx renamed .xls);
    None if neither reads. Only the suffix route recognises an encrypted xlsx (an OLE container)."""
    for by_content in (False, True):
        try:
            if by_content:
                with open(path, "rb") as f, CalamineWorkbook.from_filelike(f) as book:
                    return book.get_sheet_by_index(0)
            with CalamineWorkbook.from_path(path) as book:
                return book.get_sheet_by_index(0)
        except PasswordError:
            raise
        except Exception:  # noqa: S112 -- any failure to parse untrusted bytes: try the other route
            continue
        except BaseException as exc:
            # A Rust panic arrives as pyo3's PanicException, a BaseException that cannot be imported.
            if type(exc).__name__ != "PanicException":
                raise
    return None


def main(path: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    out = sys.stdout.buffer
    try:
        sheet = first_sheet(path)
    except PasswordError:
        pickle.dump(("encrypted",), out)
        return
    if sheet is None:
        pickle.dump(("unreadable",), out)
        return
    pickle.dump(("ok", sheet.start), out)
    chunk = []
    for row in sheet.iter_rows():
        chunk.append(row)
        if len(chunk) == CHUNK:
            pickle.dump(chunk, out)
            chunk = []
    pickle.dump(chunk, out)
    pickle.dump(None, out)


if __name__ == "__main__":
    main(sys.argv[1])
