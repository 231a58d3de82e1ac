"""Import households and people from xlsx or csv: validate every row, then insert all or nothing.

The report names the row (as numbered in the spreadsheet), the column (its header), the value
(masked for ID numbers and phones, because reports are stored) and the reason, in the user's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

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
from fangkong.registry.validation import ValidationErrors, parse_date, parse_relation, person_data_from


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
_SENSITIVE = {"id_number": mask_id_number, "landlord_id_number": mask_id_number, "phone": mask_phone}
MAX_ROWS = 200_000
MAX_ERRORS = 1000
BATCH = 2000

Progress = Callable[[str, int, int], None]


@dataclass
class RowError:
    row: int
    column: str
    value: str
    code: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "code": self.code, "reason": self.reason}


@dataclass
class ImportResult:
    ok: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    households_created: int = 0
    people_created: int = 0
    tenancies_created: int = 0


class ImportFileError(Exception):
    """The file itself cannot be read (format, headers, size); nothing was imported."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append([c.header for c in COLUMNS])
    ws.append([c.example for c in COLUMNS])
    for i, c in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000" if c.required else "000000")
        ws.column_dimensions[cell.column_letter].width = max(10, len(c.example) * 2 + 2)
        if c.key in ("id_number", "landlord_id_number", "phone"):
            # 18-digit numbers must stay text: Excel keeps only 15 significant digits.
            for row in range(2, 2001):
                ws.cell(row=row, column=i).number_format = "@"
    rel = DataValidation(type="list", formula1='"户主,配偶,子女,父母,孙子女,兄弟姐妹,其他亲属,租户,其他"', allow_blank=True)
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


def read_rows(path: Path) -> tuple[list[Column], Iterator[tuple[int, list[str]]]]:
    """Return the recognised columns and an iterator of (spreadsheet row number, cell texts)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception:
            raise ImportFileError("unreadable_file", _g("The file is not a readable xlsx workbook")) from None
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None) or []
        rows = ((n, [_cell_text(v) for v in r]) for n, r in enumerate(it, start=2))
    elif suffix == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError("unreadable_file", _g("The csv file is neither UTF-8 nor GB18030"))
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        rows = ((n, [c.strip() for c in r]) for n, r in enumerate(reader, start=2))
    else:
        raise ImportFileError("unsupported_type", _g("Upload an .xlsx or .csv file"))
    columns = []
    for h in header:
        col = _BY_HEADER.get(_cell_text(h)) or _BY_HEADER.get(_cell_text(h).lower())
        columns.append(col)
    present = {c.key for c in columns if c}
    missing = [c.header for c in COLUMNS if c.required and c.key not in present]
    if missing:
        raise ImportFileError(
            "missing_columns", _g("Missing required columns: %(cols)s") % {"cols": "、".join(missing)}
        )
    return columns, rows


def _row_error(errors: list[RowError], row: int, key: str, value: str, code: str, reason) -> None:
    col = next((c for c in COLUMNS if c.key == key), None)
    masked = _SENSITIVE[key](value) if key in _SENSITIVE and value else value
    header = col.header if col else key
    errors.append(RowError(row, header, masked[:60], code, str(reason)))


def import_people(
    *, actor: User, community: Community, path: Path, progress: Progress | None = None, via: str = "web"
) -> ImportResult:
    """Validate the whole file, then import it in one transaction; on any error import nothing."""
    require(actor, Perm.IMPORT_REGISTRY)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    report = progress or (lambda phase, done, total: None)
    columns, rows_iter = read_rows(path)

    grids = {}
    for g in community.grids.all():
        grids[str(g.number)] = grids[g.name] = g
    tags = {}
    for t in Tag.objects.all():
        tags[t.code] = tags[t.name] = tags[t.name_en.lower()] = t
    known_tags = set(tags)

    records = []
    errors: list[RowError] = []
    seen_ids: dict[str, int] = {}
    for rownum, cells in rows_iter:
        if not any(cells):
            continue
        if len(records) >= MAX_ROWS:
            raise ImportFileError("too_many_rows", _g("A file holds at most %(n)s rows") % {"n": MAX_ROWS})
        raw = {c.key: (cells[i] if i < len(cells) else "") for i, c in enumerate(columns) if c}
        row_errs_before = len(errors)
        try:
            data = person_data_from(raw, known_tags=known_tags)
        except ValidationErrors as exc:
            data = None
            for e in exc.errors:
                _row_error(errors, rownum, e.field, str(raw.get(e.field, "")), e.code, e.message)
        grid = grids.get(raw.get("grid", ""))
        if grid is None:
            _row_error(errors, rownum, "grid", raw.get("grid", ""), "unknown_grid",
                       _("No such grid in %(c)s") % {"c": community.name})
        for key in ("building", "room"):
            if not raw.get(key):
                _row_error(errors, rownum, key, "", "required", _("This column is required"))
        relation = None
        try:
            relation = parse_relation(raw.get("relation", ""))
        except FieldError as e:
            _row_error(errors, rownum, "relation", raw.get("relation", ""), e.code, e.message)
        since = None
        try:
            since = parse_date(raw.get("since"), "since")
            if since and since > local_today():
                raise FieldError("since", "future_date", _("The date lies in the future"))
        except FieldError as e:
            _row_error(errors, rownum, "since", raw.get("since", ""), e.code, e.message)
        landlord_id = normalise_id_number(raw.get("landlord_id_number", ""))
        if data is not None:
            if data.id_number in seen_ids:
                _row_error(errors, rownum, "id_number", data.id_number, "duplicate_in_file",
                           _("Same ID number as row %(row)s") % {"row": seen_ids[data.id_number]})
            else:
                seen_ids[data.id_number] = rownum
            if landlord_id and landlord_id == data.id_number:
                _row_error(errors, rownum, "landlord_id_number", landlord_id, "landlord_is_tenant",
                           _("A person cannot be their own landlord"))
        if len(errors) == row_errs_before:
            records.append((rownum, raw, data, grid, relation, since, landlord_id))
        if len(errors) >= MAX_ERRORS:
            break
        if (len(records) + 1) % 1000 == 0:
            report("validating", len(records), 0)

    # Checks against the database, in bulk: already registered ID numbers, and landlords.
    if not errors:
        hash_of = {r[2].id_number: crypto.blind_index("id", r[2].id_number) for r in records}
        existing = set()
        hashes = list(hash_of.values())
        for i in range(0, len(hashes), 5000):
            existing |= set(
                Person.objects.filter(id_number_hash__in=hashes[i:i + 5000]).values_list("id_number_hash", flat=True)
            )
        landlord_hashes = {crypto.blind_index("id", r[6]) for r in records if r[6]}
        landlords_db = dict(
            Person.objects.filter(id_number_hash__in=landlord_hashes, community=community)
            .values_list("id_number_hash", "id")
        ) if landlord_hashes else {}
        for rownum, _raw, data, *_rest in records:
            if hash_of[data.id_number] in existing:
                _row_error(errors, rownum, "id_number", data.id_number, "id_number_taken",
                           _("A person with this ID number is already registered"))
        for rownum, _raw, _data, _g2, _r, _s, landlord_id in records:
            if landlord_id and landlord_id not in seen_ids and crypto.blind_index("id", landlord_id) not in landlords_db:
                _row_error(errors, rownum, "landlord_id_number", landlord_id, "unknown_landlord",
                           _("The landlord is neither in this file nor registered in this community"))
    if errors:
        return ImportResult(ok=False, rows=len(records), errors=errors[:MAX_ERRORS])

    total = len(records)
    report("importing", 0, total)
    with transaction.atomic():
        result = _insert(actor, community, records, landlords_db, hash_of, tags, report)
        audit_record(actor=actor, action="import", object_type="person", community_id=community.id,
                     count=result.people_created, fields=[c.key for c in columns if c], via=via)
    report("done", total, total)
    return result


def _insert(actor, community, records, landlords_db, hash_of, tags, report) -> ImportResult:
    today = local_today()
    retain = default_retain_until(today)
    buildings = {b.name: b for b in Building.objects.filter(community=community)}
    new_buildings = []
    for _n, raw, _d, grid, *_r in records:
        name = raw["building"]
        if name not in buildings:
            b = Building(community=community, grid=grid, name=name)
            buildings[name] = b
            new_buildings.append(b)
    Building.objects.bulk_create(new_buildings, batch_size=BATCH)

    households = {(h.building_id, h.unit, h.room): h for h in Household.objects.filter(community=community)}
    new_households = []
    for _n, raw, _d, grid, *_r in records:
        b = buildings[raw["building"]]
        key = (b.id, raw.get("unit", ""), raw["room"])
        if key not in households:
            h = Household(
                community=community, grid=grid, building=b, unit=key[1], room=key[2],
                address=raw.get("address") or f"{community.name}{b.name}{key[1]}{key[2]}",
            )
            households[key] = h
            new_households.append(h)
    Household.objects.bulk_create(new_households, batch_size=BATCH)

    people: list[Person] = []
    for _n, raw, data, _grid, *_r in records:
        h = households[(buildings[raw["building"]].id, raw.get("unit", ""), raw["room"])]
        p = Person(
            community=community, grid_id=h.grid_id, household=h, name=data.name, sex=data.sex,
            birth_date=data.birth_date, id_type=data.id_type, category=data.category, workplace=data.workplace,
            retain_until=retain,
        )
        p.id_number_encrypted, _h, p.id_number_masked = protect("id", data.id_number)
        p.id_number_hash = hash_of[data.id_number]
        p.phone_encrypted, p.phone_hash, p.phone_masked = protect("phone", data.phone)
        people.append(p)
    for i in range(0, len(people), BATCH):
        Person.objects.bulk_create(people[i:i + BATCH])
        report("importing", min(i + BATCH, len(people)), len(people))

    memberships, tag_links, tenancies = [], [], []
    by_id = {records[i][2].id_number: people[i] for i in range(len(records))}
    for (_n, _raw, data, _grid, relation, since, landlord_id), p in zip(records, people, strict=True):
        memberships.append(Membership(person=p, household=p.household, community=community,
                                      relation=relation, start_date=since or today))
        for t in data.tags:
            tag_links.append(Person.tags.through(person_id=p.id, tag_id=(tags.get(t) or tags[t.lower()]).id))
        if landlord_id:
            landlord = by_id.get(landlord_id)
            landlord_pk = landlord.id if landlord else landlords_db[crypto.blind_index("id", landlord_id)]
            tenancies.append(Tenancy(community=community, landlord_id=landlord_pk, tenant=p,
                                     household=p.household, start_date=since or today))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    Person.tags.through.objects.bulk_create(tag_links, batch_size=BATCH)
    Tenancy.objects.bulk_create(tenancies, batch_size=BATCH)
    return ImportResult(ok=True, rows=len(records), households_created=len(new_households),
                        people_created=len(people), tenancies_created=len(tenancies))
