"""Import households and people from xlsx or csv: validate every row, then insert all or nothing.

The report names the row (as numbered in the spreadsheet, the header being row 1), the column (its
header), the value (masked for ID numbers and phones, because reports are stored) and the reason, in
Chinese (`reason`) and English (`reason_en`), so the job page can show either to whoever opens it.

Speed (docs/performance.md): 50,000 people in well under a minute. xlsx sheets are streamed with the
standard library's XML parser rather than openpyxl's cell objects, and the rows, already validated,
are written with `executemany` instead of `bulk_create`, whose per-field preparation cost more than
the rest of the import together.
"""

from __future__ import annotations

import csv
import gc
import io
import posixpath
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core import crypto
from fangkong.core.dates import local_today
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import mask_id_number, mask_phone, normalise_id_number
from fangkong.core.models import protect
from fangkong.registry.models import Building, Community, Household, Membership, Person, Tag, Tenancy
from fangkong.registry.services import default_retain_until
from fangkong.registry.validation import (
    PersonData,
    ValidationErrors,
    parse_date,
    parse_relation,
    person_data_from,
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    header_en: str
    required: bool = False
    example: str = ""


COLUMNS = [
    Column("grid", "网格", "Grid", True, "1"),
    Column("building", "楼栋", "Building", True, "3号楼"),
    Column("unit", "单元", "Unit", False, "2单元"),
    Column("room", "房号", "Room", True, "301"),
    Column("address", "地址", "Address", False, "孙家下庄社区3号楼2单元301"),
    Column("name", "姓名", "Name", True, "张三"),
    Column("sex", "性别", "Sex", False, "女"),
    Column("id_type", "证件类型", "ID type", False, "身份证"),
    Column("id_number", "证件号码", "ID number", True, "11010519491231002X"),
    Column("phone", "联系电话", "Phone", False, "13812345678"),
    Column("relation", "与户主关系", "Relation", True, "户主"),
    Column("category", "人员类别", "Residence category", False, "户籍人口"),
    Column("workplace", "工作单位", "Workplace", False, ""),
    Column("tags", "标签", "Tags", False, "党员、独居老人"),
    Column("since", "入住日期", "Living here since", False, "2019-05-01"),
    Column("landlord_id_number", "房东证件号码", "Landlord ID number", False, ""),
]
_BY_HEADER = {c.header: c for c in COLUMNS} | {c.header_en.lower(): c for c in COLUMNS} | {c.key: c for c in COLUMNS}
_BY_KEY = {c.key: c for c in COLUMNS}
_SENSITIVE = {"id_number": mask_id_number, "landlord_id_number": mask_id_number, "phone": mask_phone}
MAX_ROWS = 200_000
MAX_ERRORS = 1000
BATCH = 2000
LANGUAGES = ("zh-hans", "en")  # the report's `reason` and `reason_en`

Progress = Callable[[str, int, int], None]


def _in_both(message, params: dict | None = None) -> tuple[str, str]:
    """A lazy message, with its %-parameters filled in, rendered in Chinese and in English."""
    texts = []
    for lang in LANGUAGES:
        with override(lang):
            text = str(message)
            texts.append(text % params if params else text)
    return texts[0], texts[1]


@dataclass
class RowError:
    row: int | None
    column: str
    value: str
    code: str
    reason: str
    reason_en: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "code": self.code,
                "reason": self.reason, "reason_en": self.reason_en or self.reason}


@dataclass
class ImportResult:
    ok: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    households_created: int = 0
    people_created: int = 0
    tenancies_created: int = 0


class ImportFileError(Exception):
    """The file itself cannot be read (format, headers, size); nothing was imported.

    `message` stays lazy so the report can hold it in both languages; str() gives the active one.
    """

    def __init__(self, code: str, message, params: dict | None = None, *, columns: Iterable[str] = ()) -> None:
        self.code = code
        self.message = message
        self.params = params or {}
        self.columns = list(columns)  # headers of missing required columns
        super().__init__(code)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def errors(self) -> list[RowError]:
        """The problem as rows of the report: one per missing column (in the header, row 1), else one."""
        if self.columns:
            zh, en = _in_both(_("This required column is missing from the header row"))
            return [RowError(1, header, "", self.code, zh, en) for header in self.columns]
        return [RowError(None, "", "", self.code, *_in_both(self.message, self.params))]


def template_xlsx() -> bytes:
    from openpyxl import Workbook
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


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, date):
        return v.isoformat()[:10]
    return str(v).strip()


def _number_text(v: str) -> str:
    """A numeric cell as typed: 13812345678 stays 13812345678, not 1.3812345678E10 or 13812345678.0."""
    if "." in v or "E" in v or "e" in v:
        return _cell_text(float(v))
    return str(int(v))


# ---- xlsx -------------------------------------------------------------------------------------------
# openpyxl builds a cell object per value and spent ~34 s on a 50,000-row sheet; streaming the sheet's
# XML with ElementTree takes ~6 s. Only values are read: shared and inline strings, numbers (dates by
# their cell style, as openpyxl does), booleans, formula results. Tags are matched by local name, so
# namespace prefixes (WPS, .NET writers) and Strict OOXML read the same.
#
# XML safety: the parser is the standard library's expat (2.4.1 and newer refuse entity-expansion
# bombs; ElementTree never fetches external entities), the one openpyxl itself uses when defusedxml
# is absent; and since no xlsx part has a DTD, a part that declares one is refused outright.

# Built-in number formats that are dates: 14-22 and 45-47 everywhere, 27-36 and 50-58 in the Chinese,
# Japanese and Korean editions of Excel, which do not write these formats into the file.
_DATE_FORMAT_IDS = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(range(45, 48)) | frozenset(
    range(50, 59))


def _refuse_dtd(head: bytes) -> None:
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ValueError("an xlsx part with a DTD")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _col_index(ref: str, cache: dict[str, int]) -> int:
    letters = ref.rstrip("0123456789")
    idx = cache.get(letters)
    if idx is None:
        idx = 0
        for ch in letters.upper():
            idx = idx * 26 + ord(ch) - 64
        idx -= 1
        cache[letters] = idx
    return idx


class _Xlsx:
    """The first worksheet of an xlsx package, row by row, as texts."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        root_rels = self._rels("")
        workbook = next((t for kind, t in root_rels.values() if kind == "officeDocument"), "xl/workbook.xml")
        wb_rels = self._rels(workbook)
        wb = self._parse(workbook)
        first_sheet_rid = None
        self.date1904 = False
        for el in wb.iter():
            name = _local(el.tag)
            if name == "workbookPr":
                self.date1904 = el.get("date1904", "").lower() in ("1", "true")
            elif name == "sheet" and first_sheet_rid is None:
                first_sheet_rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        if first_sheet_rid not in wb_rels:
            raise KeyError("no worksheet")
        self.sheet = wb_rels[first_sheet_rid][1]
        by_kind = {kind: target for kind, target in wb_rels.values()}
        self.strings = self._shared_strings(by_kind["sharedStrings"]) if "sharedStrings" in by_kind else []
        self.date_styles = self._date_styles(by_kind["styles"]) if "styles" in by_kind else frozenset()

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        folder, name = posixpath.split(part)
        try:
            root = self._parse(posixpath.join(folder, "_rels", f"{name}.rels"))
        except KeyError:
            return {}
        rels = {}
        for rel in root:
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            rels[rel.get("Id")] = (rel.get("Type", "").rpartition("/")[2], target)
        return rels

    def _parse(self, part: str) -> ElementTree.Element:
        data = self.zip.read(part)
        _refuse_dtd(data[:1 << 16])
        return ElementTree.fromstring(data)  # noqa: S314 -- see "XML safety" above

    def _stream(self, part: str) -> Iterator[tuple[str, ElementTree.Element]]:
        """(event, element) at the end of each element of a part, parsed while it is read."""
        parser = ElementTree.XMLPullParser(events=("end",))
        with self.zip.open(part) as f:
            chunk = f.read(1 << 16)
            _refuse_dtd(chunk)
            while chunk:
                parser.feed(chunk)
                yield from parser.read_events()
                chunk = f.read(1 << 16)
        parser.close()
        yield from parser.read_events()

    def _shared_strings(self, part: str) -> list[str]:
        strings = []
        for _event, el in self._stream(part):
            if _local(el.tag) == "si":
                strings.append(self._text(el))
                el.clear()
        return strings

    @staticmethod
    def _text(el) -> str:
        """Text of a shared or inline string: its <t>, or its rich-text runs' <t>s (not phonetic <rPh>)."""
        parts = []
        for child in el:
            name = _local(child.tag)
            if name == "t":
                return child.text or ""
            if name == "r":
                parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
        return "".join(parts)

    def _date_styles(self, part: str) -> frozenset[int]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        root = self._parse(part)
        custom = {}
        xf_formats: list[int] = []
        for el in root:
            name = _local(el.tag)
            if name == "numFmts":
                custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in el}
            elif name == "cellXfs":
                xf_formats = [int(xf.get("numFmtId", "0")) for xf in el]
        dates = set()
        for i, fmt in enumerate(xf_formats):
            if fmt in custom:
                is_date = is_date_format(custom[fmt])
            else:
                is_date = fmt in _DATE_FORMAT_IDS or is_date_format(BUILTIN_FORMATS.get(fmt, "General"))
            if is_date:
                dates.add(i)
        return frozenset(dates)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        epoch = CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900
        strings, date_styles, text_of = self.strings, self.date_styles, self._text
        cols: dict[str, int] = {}
        row_tag = v_tag = is_tag = None
        rownum = 0
        for _event, el in self._stream(self.sheet):
            if el.tag != row_tag:
                if row_tag is not None or _local(el.tag) != "row":
                    continue
                ns = el.tag[:-3]
                row_tag, v_tag, is_tag = el.tag, ns + "v", ns + "is"
            r = el.get("r")
            rownum = int(r) if r else rownum + 1
            values: list[str] = []
            col = -1
            for c in el:
                ref = c.get("r")
                col = _col_index(ref, cols) if ref else col + 1
                kind = c.get("t", "n")
                if kind == "inlineStr":
                    node = c.find(is_tag)
                    text = text_of(node) if node is not None else ""
                else:
                    node = c.find(v_tag)
                    text = node.text if node is not None else None
                    if text is None:
                        text = ""
                    elif kind == "s":
                        text = strings[int(text)]
                    elif kind == "n":
                        style = c.get("s")
                        if style and int(style) in date_styles:
                            text = _cell_text(from_excel(float(text), epoch))
                        else:
                            text = _number_text(text)
                    elif kind == "b":
                        text = "True" if text == "1" else "False"
                    elif kind == "d":
                        text = text[:10]
                if col >= len(values):
                    values.extend([""] * (col + 1 - len(values)))
                values[col] = text.strip()
            el.clear()
            yield rownum, values


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        book = _Xlsx(path)
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError, OSError, ElementTree.ParseError):
        raise ImportFileError("unreadable_file", _("The file is not a readable xlsx workbook")) from None

    def rows():
        try:
            yield from book.rows()
        except (KeyError, ValueError, IndexError, OverflowError, ElementTree.ParseError, zipfile.BadZipFile):
            raise ImportFileError("unreadable_file", _("The file is not a readable xlsx workbook")) from None
        finally:
            book.zip.close()

    return rows()


def read_rows(path: Path) -> tuple[list[Column | None], Iterator[tuple[int, list[str]]]]:
    """Return the recognised columns and an iterator of (spreadsheet row number, cell texts)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
        _n, header = next(rows, (1, []))
    elif suffix == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError("unreadable_file", _("The csv file is neither UTF-8 nor GB18030"))
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        rows = ((n, [c.strip() for c in r]) for n, r in enumerate(reader, start=2))
    else:
        raise ImportFileError("unsupported_type", _("Upload an .xlsx or .csv file"))
    columns = []
    for h in header:
        col = _BY_HEADER.get(_cell_text(h)) or _BY_HEADER.get(_cell_text(h).lower())
        columns.append(col)
    present = {c.key for c in columns if c}
    missing = [c.header for c in COLUMNS if c.required and c.key not in present]
    if missing:
        raise ImportFileError("missing_columns", _("Missing required columns: %(cols)s"), {"cols": "、".join(missing)},
                              columns=missing)
    return columns, rows


# ---- validation -------------------------------------------------------------------------------------

@dataclass
class _Context:
    community: Community
    grids: dict
    known_tags: set[str]
    today: date
    relations: dict = field(default_factory=dict)  # cell text → relation (few distinct values)


@dataclass
class _Row:
    rownum: int
    raw: dict[str, str]
    data: PersonData
    grid: object
    relation: str
    since: date | None
    landlord_id: str


def _check_row(raw: dict[str, str], ctx: _Context):
    """The checks of one row on its own, in the active language: (data, grid, relation, since, problems).

    A pure function of the row, so a row with problems is checked again to word them in each language.
    """
    problems: list[tuple[str, str, str, str]] = []  # (column key, value, code, reason)
    data = None
    try:
        data = person_data_from(raw, known_tags=ctx.known_tags)
    except ValidationErrors as exc:
        for e in exc.errors:
            problems.append((e.field, str(raw.get(e.field, "")), e.code, e.message))
    grid = ctx.grids.get(raw.get("grid", ""))
    if grid is None:
        problems.append(("grid", raw.get("grid", ""), "unknown_grid",
                         str(_("No such grid in %(c)s")) % {"c": ctx.community.name}))
    for key in ("building", "room"):
        if not raw.get(key):
            problems.append((key, "", "required", str(_("This column is required"))))
    text = raw.get("relation", "")
    relation = ctx.relations.get(text)
    if relation is None:
        try:
            relation = ctx.relations[text] = parse_relation(text)
        except FieldError as e:
            problems.append(("relation", text, e.code, e.message))
    since = None
    try:
        since = parse_date(raw.get("since"), "since")
        if since and since > ctx.today:
            raise FieldError("since", "future_date", _("The date lies in the future"))
    except FieldError as e:
        problems.append(("since", raw.get("since", ""), e.code, e.message))
    return data, grid, relation, since, problems


def _row_error(errors: list[RowError], row: int, key: str, value: str, code: str, reason: str,
               reason_en: str) -> None:
    col = _BY_KEY.get(key)
    masked = _SENSITIVE[key](value) if key in _SENSITIVE and value else value
    errors.append(RowError(row, col.header if col else key, masked[:60], code, reason, reason_en))


@contextmanager
def _cyclic_gc_paused():
    """An import makes millions of small objects and keeps most of them until it ends, so the cyclic
    garbage collector rescans an ever larger heap for nothing: a third of the time of a 50,000-row
    import. Reference counting still frees everything as usual, and the collector is back as it was
    when the import ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_people(
    *, actor: User, community: Community, path: Path, progress: Progress | None = None, via: str = "web"
) -> ImportResult:
    """Validate the whole file, then import it in one transaction; on any error import nothing."""
    require(actor, Perm.IMPORT_REGISTRY)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    with _cyclic_gc_paused():
        return _import(actor, community, path, progress, via)


def _import(actor: User, community: Community, path: Path, progress: Progress | None, via: str) -> ImportResult:
    report = progress or (lambda phase, done, total: None)
    columns, rows_iter = read_rows(path)

    grids = {}
    for g in community.grids.all():
        grids[str(g.number)] = grids[g.name] = g
    tags = {}
    for t in Tag.objects.all():
        tags[t.code] = tags[t.name] = tags[t.name_en.lower()] = t
    ctx = _Context(community=community, grids=grids, known_tags=set(tags), today=local_today())
    keyed = [(i, c.key) for i, c in enumerate(columns) if c]

    records: list[_Row] = []
    errors: list[RowError] = []
    seen_ids: dict[str, int] = {}
    with override(LANGUAGES[0]):
        for rownum, cells in rows_iter:
            if not any(cells):
                continue
            if len(records) >= MAX_ROWS:
                raise ImportFileError("too_many_rows", _("A file holds at most %(n)s rows"), {"n": MAX_ROWS})
            n = len(cells)
            raw = {key: (cells[i] if i < n else "") for i, key in keyed}
            data, grid, relation, since, problems = _check_row(raw, ctx)
            if problems:
                with override(LANGUAGES[1]):
                    problems_en = _check_row(raw, ctx)[4]
                for (key, value, code, reason), en in zip(problems, problems_en, strict=True):
                    _row_error(errors, rownum, key, value, code, reason, en[3])
            landlord_id = normalise_id_number(raw.get("landlord_id_number", ""))
            if data is not None:
                if data.id_number in seen_ids:
                    _row_error(errors, rownum, "id_number", data.id_number, "duplicate_in_file",
                               *_in_both(_("Same ID number as row %(row)s"), {"row": seen_ids[data.id_number]}))
                    problems = True
                else:
                    seen_ids[data.id_number] = rownum
                if landlord_id and landlord_id == data.id_number:
                    _row_error(errors, rownum, "landlord_id_number", landlord_id, "landlord_is_tenant",
                               *_in_both(_("A person cannot be their own landlord")))
                    problems = True
            if not problems:
                records.append(_Row(rownum, raw, data, grid, relation, since, landlord_id))
                if len(records) % 1000 == 0:
                    report("validating", len(records), 0)
            if len(errors) >= MAX_ERRORS:
                break

    # Checks against the database, in bulk: already registered ID numbers, and landlords.
    hash_of: dict[str, str] = {}
    landlords_db: dict[str, int] = {}
    if not errors:
        hash_of = {r.data.id_number: crypto.blind_index("id", r.data.id_number) for r in records}
        existing = _existing(Person.objects.all(), "id_number_hash", list(hash_of.values()))
        for r in records:
            if hash_of[r.data.id_number] in existing:
                _row_error(errors, r.rownum, "id_number", r.data.id_number, "id_number_taken",
                           *_in_both(_("A person with this ID number is already registered")))
        outside = {r.landlord_id for r in records if r.landlord_id and r.landlord_id not in seen_ids}
        landlord_hash = {number: crypto.blind_index("id", number) for number in outside}
        landlords_db = _existing(Person.objects.filter(community=community), "id_number_hash",
                                 list(landlord_hash.values()), "id")
        for r in records:
            if r.landlord_id in outside and landlord_hash[r.landlord_id] not in landlords_db:
                _row_error(errors, r.rownum, "landlord_id_number", r.landlord_id, "unknown_landlord",
                           *_in_both(_("The landlord is neither in this file nor registered in this community")))
        landlords_db = {number: landlords_db[h] for number, h in landlord_hash.items() if h in landlords_db}
        errors.sort(key=lambda e: e.row or 0)
    if errors:
        return ImportResult(ok=False, rows=len(records), errors=errors[:MAX_ERRORS])

    total = len(records)
    report("importing", 0, total)
    with transaction.atomic():
        result = _insert(community, records, landlords_db, hash_of, tags, report)
        audit_record(actor=actor, action="import", object_type="person", community_id=community.id,
                     count=result.people_created, fields=[c.key for c in columns if c], via=via)
    report("done", total, total)
    return result


def _existing(queryset, field_name: str, values: list, value_field: str | None = None) -> dict:
    """{value: value_field} (or {value: value}) of the rows whose `field_name` is among `values`, by chunks
    that stay under SQLite's limit of bound parameters."""
    found: dict = {}
    fields = (field_name, value_field or field_name)
    for i in range(0, len(values), 5000):
        found.update(queryset.filter(**{f"{field_name}__in": values[i:i + 5000]}).values_list(*fields))
    return found


# ---- insert -----------------------------------------------------------------------------------------

def _insert_rows(model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    """INSERT rows of already clean values, straight to the driver.

    bulk_create prepares every field of every object in Python, which cost ~0.3 ms per person. Fields
    not named get what Django would give them: their default, or now() for auto_now(_add) fields.
    SQLite runs one prepared single-row INSERT per row (executemany: in-process, no round trips);
    PostgreSQL gets COPY, as psycopg's executemany on Django's client-side binding cursor pays a round
    trip per row, and a long multi-row INSERT costs more to compose than to run.
    """
    if not rows:
        return
    meta = model._meta
    given = [meta.get_field(n) for n in names]
    rest = [f for f in meta.concrete_fields if not f.primary_key and f not in given]
    now = timezone.now()
    fixed = tuple(
        f.get_db_prep_save(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                           else f.get_default(), connection)
        for f in rest
    )
    qn = connection.ops.quote_name
    # Table and column names come from the model, quoted; every value is passed apart from the SQL.
    target = f"{qn(meta.db_table)} ({', '.join(qn(f.column) for f in given + rest)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + fixed)
            return
        sql = f"INSERT INTO {target} VALUES ({', '.join(['%s'] * (len(given) + len(rest)))})"  # noqa: S608
        for i in range(0, len(rows), BATCH):
            cursor.executemany(sql, [row + fixed for row in rows[i:i + BATCH]])


def _insert(community, records: list[_Row], landlords_db, hash_of, tags, report) -> ImportResult:
    today = local_today()
    retain = default_retain_until(today)
    buildings = {b.name: b for b in Building.objects.filter(community=community)}
    new_buildings = []
    for r in records:
        name = r.raw["building"]
        if name not in buildings:
            b = Building(community=community, grid=r.grid, name=name)
            buildings[name] = b
            new_buildings.append(b)
    Building.objects.bulk_create(new_buildings, batch_size=BATCH)

    def household_key(r: _Row) -> tuple:
        return buildings[r.raw["building"]].id, r.raw.get("unit", ""), r.raw["room"]

    households = {(b, u, room): (pk, grid) for b, u, room, pk, grid in Household.objects.filter(
        community=community).values_list("building_id", "unit", "room", "id", "grid_id")}
    new_households: dict[tuple, tuple] = {}
    for r in records:
        key = household_key(r)
        if key not in households and key not in new_households:
            b = buildings[r.raw["building"]]
            address = r.raw.get("address") or f"{community.name}{b.name}{key[1]}{key[2]}"
            new_households[key] = (community.id, r.grid.id, b.id, key[1], key[2], address)
    _insert_rows(Household, ["community", "grid", "building", "unit", "room", "address"],
                 list(new_households.values()))
    if new_households:
        households = {(b, u, room): (pk, grid) for b, u, room, pk, grid in Household.objects.filter(
            community=community).values_list("building_id", "unit", "room", "id", "grid_id")}
    report("importing", 0, len(records))

    person_rows = []
    for r in records:
        d = r.data
        household_id, grid_id = households[household_key(r)]
        phone_encrypted, phone_hash, phone_masked = protect("phone", d.phone)
        person_rows.append((
            community.id, grid_id, household_id, d.name, d.sex, d.birth_date, d.id_type,
            crypto.encrypt(d.id_number), hash_of[d.id_number], mask_id_number(d.id_number),
            phone_encrypted, phone_hash, phone_masked, d.category, d.workplace, retain,
        ))
    fields = ["community", "grid", "household", "name", "sex", "birth_date", "id_type", "id_number_encrypted",
              "id_number_hash", "id_number_masked", "phone_encrypted", "phone_hash", "phone_masked", "category",
              "workplace", "retain_until"]
    for i in range(0, len(person_rows), 10 * BATCH):
        _insert_rows(Person, fields, person_rows[i:i + 10 * BATCH])
        report("importing", min(i + 10 * BATCH, len(person_rows)), len(person_rows))
    person_id = _existing(Person.objects.all(), "id_number_hash", list(hash_of.values()), "id")

    memberships, tag_links, tenancies = [], [], []
    for r, row in zip(records, person_rows, strict=True):
        pk, household_id, start = person_id[hash_of[r.data.id_number]], row[2], r.since or today
        memberships.append((pk, household_id, community.id, r.relation, start))
        for t in r.data.tags:
            tag_links.append((pk, (tags.get(t) or tags[t.lower()]).id))
        if r.landlord_id:
            landlord_pk = (person_id[hash_of[r.landlord_id]] if r.landlord_id in hash_of
                           else landlords_db[r.landlord_id])
            tenancies.append((community.id, landlord_pk, pk, household_id, start))
    _insert_rows(Membership, ["person", "household", "community", "relation", "start_date"], memberships)
    _insert_rows(Person.tags.through, ["person", "tag"], tag_links)
    _insert_rows(Tenancy, ["community", "landlord", "tenant", "household", "start_date"], tenancies)
    return ImportResult(ok=True, rows=len(records), households_created=len(new_households),
                        people_created=len(person_rows), tenancies_created=len(tenancies))
