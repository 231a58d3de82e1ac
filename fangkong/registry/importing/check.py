"""Check every row before anything is written: each row on its own with the same `person_data_from` the
forms and the API use, ID numbers against the rest of the file, then against the database in bulk.

A problem becomes a line of the report: the row (as the spreadsheet numbers it, the header being row
1), the column (its Chinese header), the value (masked for ID numbers and phones, because reports are
stored), the code and the reason in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from fangkong.core import crypto
from fangkong.core.errors import Code, FieldError, ValidationErrors
from fangkong.core.identifiers import mask_id_number, mask_phone, normalise_id_number
from fangkong.registry.errors import RegistryCode
from fangkong.registry.importing.columns import BY_KEY, ID_NUMBER_KEYS, Column
from fangkong.registry.importing.errors import LANGUAGES, ImportCode, ImportFileError, RowError, in_both
from fangkong.registry.importing.read import InexactNumber, Rows
from fangkong.registry.models import Community, Person
from fangkong.registry.validation import PersonData, parse_date, parse_relation, person_data_from

MAX_ROWS = 200_000
MAX_ERRORS = 1000
_SENSITIVE = {"id_number": mask_id_number, "landlord_id_number": mask_id_number, "phone": mask_phone}

Progress = Callable[[str, int, int], None]


@dataclass
class Context:
    community: Community
    grids: dict  # number or name → Grid
    tags: dict  # code, name or lower-case English name → Tag
    today: date
    relations: dict = field(default_factory=dict)  # cell text → relation (few distinct values)
    known_tags: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.known_tags = set(self.tags)


@dataclass
class Row:
    rownum: int
    raw: dict[str, str]
    data: PersonData
    grid: object
    relation: str
    since: date | None
    landlord_id: str


@dataclass
class Checked:
    """The rows that passed, or every problem found; the blind indexes and landlords found on the way."""

    records: list[Row]
    errors: list[RowError]
    hash_of: dict[str, str] = field(default_factory=dict)  # ID number → its blind index
    landlords_db: dict[str, int] = field(default_factory=dict)  # landlord ID number → registered person id


def check_rows(columns: list[Column | None], rows: Rows, ctx: Context, report: Progress) -> Checked:
    keyed = [(i, c.key) for i, c in enumerate(columns) if c]
    records: list[Row] = []
    errors: list[RowError] = []
    seen_ids: dict[str, int] = {}
    with override(LANGUAGES[0]):
        for rownum, cells in rows:
            if not any(cells):
                continue
            if len(records) >= MAX_ROWS:
                raise ImportFileError(ImportCode.TOO_MANY_ROWS, _("A file holds at most %(n)s rows"),
                                      {"n": MAX_ROWS})
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
                    _row_error(errors, rownum, "id_number", data.id_number, ImportCode.DUPLICATE_IN_FILE,
                               *in_both(_("Same ID number as row %(row)s"), {"row": seen_ids[data.id_number]}))
                    problems = True
                else:
                    seen_ids[data.id_number] = rownum
                if landlord_id and landlord_id == data.id_number:
                    _row_error(errors, rownum, "landlord_id_number", landlord_id, ImportCode.LANDLORD_IS_TENANT,
                               *in_both(_("A person cannot be their own landlord")))
                    problems = True
            if not problems:
                records.append(Row(rownum, raw, data, grid, relation, since, landlord_id))
                if len(records) % 1000 == 0:
                    report("validating", len(records), 0)
            if len(errors) >= MAX_ERRORS:
                break
    if errors:
        return Checked(records, errors[:MAX_ERRORS])
    return _check_against_database(records, seen_ids, ctx.community)


def _check_row(raw: dict[str, str], ctx: Context):
    """The checks of one row on its own, in the active language: (data, grid, relation, since, problems).

    A pure function of the row, so a row with problems is checked again to word them in each language.
    """
    problems: list[tuple[str, str, str, str]] = []  # (column key, value, code, reason)
    data = None
    inexact = [key for key in ID_NUMBER_KEYS if isinstance(raw.get(key), InexactNumber)]
    for key in inexact:
        problems.append((key, raw[key], ImportCode.ID_NUMBER_AS_NUMBER, str(_(
            "The ID number was stored as a number, of which the spreadsheet keeps only 15 digits: "
            "format the column as text and type the ID number again"))))
    try:
        data = person_data_from(raw, known_tags=ctx.known_tags)
    except ValidationErrors as exc:
        for e in exc.errors:
            if e.field not in inexact:  # its digits are wrong: why is said once, above
                problems.append((e.field, str(raw.get(e.field, "")), e.code, e.message))
    grid = ctx.grids.get(raw.get("grid", ""))
    if grid is None:
        problems.append(("grid", raw.get("grid", ""), ImportCode.UNKNOWN_GRID,
                         str(_("No such grid in %(c)s")) % {"c": ctx.community.name}))
    for key in ("building", "room"):
        if not raw.get(key):
            problems.append((key, "", Code.REQUIRED, str(_("This column is required"))))
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
            raise FieldError("since", RegistryCode.FUTURE_DATE, _("The date lies in the future"))
    except FieldError as e:
        problems.append(("since", raw.get("since", ""), e.code, e.message))
    return data, grid, relation, since, problems


def _row_error(errors: list[RowError], row: int, key: str, value: str, code: str, reason: str,
               reason_en: str) -> None:
    col = BY_KEY.get(key)
    masked = _SENSITIVE[key](value) if key in _SENSITIVE and value else value
    errors.append(RowError(row, col.header if col else key, masked[:60], code, reason, reason_en))


def _check_against_database(records: list[Row], seen_ids: dict[str, int], community: Community) -> Checked:
    """Already registered ID numbers (anywhere: one person per ID number) and landlords outside the file
    (in this community), each in one query per 5,000 numbers."""
    errors: list[RowError] = []
    hash_of = {r.data.id_number: crypto.blind_index("id", r.data.id_number) for r in records}
    existing = existing_values(Person.objects.all(), "id_number_hash", list(hash_of.values()))
    for r in records:
        if hash_of[r.data.id_number] in existing:
            _row_error(errors, r.rownum, "id_number", r.data.id_number, RegistryCode.ID_NUMBER_TAKEN,
                       *in_both(_("A person with this ID number is already registered")))
    outside = {r.landlord_id for r in records if r.landlord_id and r.landlord_id not in seen_ids}
    landlord_hash = {number: crypto.blind_index("id", number) for number in outside}
    landlords_db = existing_values(Person.objects.filter(community=community), "id_number_hash",
                                   list(landlord_hash.values()), "id")
    for r in records:
        if r.landlord_id in outside and landlord_hash[r.landlord_id] not in landlords_db:
            _row_error(errors, r.rownum, "landlord_id_number", r.landlord_id, ImportCode.UNKNOWN_LANDLORD,
                       *in_both(_("The landlord is neither in this file nor registered in this community")))
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        return Checked(records, errors[:MAX_ERRORS])
    landlords = {number: landlords_db[h] for number, h in landlord_hash.items() if h in landlords_db}
    return Checked(records, [], hash_of, landlords)


def existing_values(queryset, field_name: str, values: list, value_field: str | None = None) -> dict:
    """{value: value_field} (or {value: value}) of the rows whose `field_name` is among `values`, by chunks
    that stay under SQLite's limit of bound parameters."""
    found: dict = {}
    fields = (field_name, value_field or field_name)
    for i in range(0, len(values), 5000):
        found.update(queryset.filter(**{f"{field_name}__in": values[i:i + 5000]}).values_list(*fields))
    return found
