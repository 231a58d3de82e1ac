"""Import of households and people: what a good file creates, and that one bad row imports nothing.

Every rule is checked by a file that breaks only that rule, so a test fails if the rule goes missing.
The report numbers rows as the spreadsheet does (header = row 1), names the column by its Chinese
header, masks ID numbers and phones, and gives the reason in Chinese and in English. Reading the
formats is test_import_reading.py; the upload page and the command, test_import_web.py.
"""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from fangkong.core.identifiers import mask_id_number, mask_phone
from fangkong.registry import importing
from fangkong.registry.importing import COLUMNS, ImportFileError, import_people
from fangkong.registry.models import Person, Tenancy
from fangkong.registry.tests.fixtures.files import (
    CHILD,
    HEADERS,
    OWNER,
    SPOUSE,
    TENANT,
    check_good_import,
    counts,
    good_rows,
    in_both,
    resident_id,
    write_csv,
    write_file,
    write_xlsx,
)

# ---- a good file ------------------------------------------------------------------------------------

def test_a_valid_csv_creates_households_people_memberships_tags_and_tenancies(places, personas, tmp_path):
    path = write_csv(tmp_path / "people.csv", good_rows())
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    check_good_import(result, places["home"], personas["office"])


@pytest.mark.parametrize("write_only", [False, True], ids=["shared-strings", "inline-strings"])
def test_a_valid_xlsx_imports_the_same(places, personas, tmp_path, write_only):
    path = write_xlsx(tmp_path / "people.xlsx", good_rows(), write_only=write_only)
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    check_good_import(result, places["home"], personas["office"])


def test_a_landlord_already_registered_in_the_community_gets_the_tenancy(places, personas, make_person, tmp_path):
    landlord = make_person(places["grid1"], name="房东", id_number=OWNER)
    rows = [r for r in good_rows() if r["id_number"] == TENANT]
    rows[0]["landlord_id_number"] = OWNER.lower()
    result = import_people(actor=personas["office"], community=places["home"],
                           path=write_csv(tmp_path / "t.csv", rows))
    assert result.ok, result.errors
    assert Tenancy.objects.get().landlord == landlord


def test_a_gb18030_csv_imports(places, personas, tmp_path):
    path = write_csv(tmp_path / "people.csv", good_rows(), encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    assert result.ok, result.errors
    assert set(Person.objects.values_list("name", flat=True)) == {r["name"] for r in good_rows()}


def test_english_headers_are_recognised_too(places, personas, tmp_path):
    path = write_csv(tmp_path / "en.csv", good_rows()[:1])
    text = path.read_text(encoding="utf-8-sig").splitlines()
    text[0] = ",".join(c.header_en for c in COLUMNS)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert import_people(actor=personas["office"], community=places["home"], path=path).ok


# ---- one bad row imports nothing --------------------------------------------------------------------

BAD_ROW = 4  # the third data row: header is row 1


def _break(rows, field, value):
    rows[2][field] = value
    return rows


CASES = {
    # case: (change the third row, code, column header, value shown, English reason)
    "id_checksum": (lambda rows: _break(rows, "id_number", CHILD[:-1] + ("0" if CHILD[-1] != "0" else "1")),
                    "id_checksum", "证件号码", "masked", _("The check digit of the ID number is wrong")),
    "phone": (lambda rows: _break(rows, "phone", "1381234567"), "phone_format", "联系电话", mask_phone("1381234567"),
              _("A phone number is 11 digits starting with 13-19, or a landline with area code")),
    "unknown_grid": (lambda rows: _break(rows, "grid", "9"), "unknown_grid", "网格", "9",
                     (_("No such grid in %(c)s"), {"c": "一号社区"})),
    "duplicate_in_file": (lambda rows: _break(rows, "id_number", SPOUSE), "duplicate_in_file", "证件号码",
                          mask_id_number(SPOUSE), (_("Same ID number as row %(row)s"), {"row": 3})),
    "id_number_taken": (lambda rows: _break(rows, "id_number", resident_id(99, "19550505")), "id_number_taken",
                        "证件号码", mask_id_number(resident_id(99, "19550505")),
                        _("A person with this ID number is already registered")),
    "unknown_landlord": (lambda rows: _break(rows, "landlord_id_number", resident_id(77, "19600101")),
                         "unknown_landlord", "房东证件号码", mask_id_number(resident_id(77, "19600101")),
                         _("The landlord is neither in this file nor registered in this community")),
    "own_landlord": (lambda rows: _break(rows, "landlord_id_number", CHILD), "landlord_is_tenant", "房东证件号码",
                     mask_id_number(CHILD), _("A person cannot be their own landlord")),
    "required_value": (lambda rows: _break(rows, "room", ""), "required", "房号", "",
                       _("This column is required")),
    "missing_name": (lambda rows: _break(rows, "name", ""), "required", "姓名", "", _("Name is required")),
    "unknown_tag": (lambda rows: _break(rows, "tags", "网红"), "unknown_tag", "标签", "网红",
                    (_("Unknown tag: %(tags)s"), {"tags": "网红"})),
    "future_since": (lambda rows: _break(rows, "since", "2999-01-01"), "future_date", "入住日期", "2999-01-01",
                     _("The date lies in the future")),
    "bad_date": (lambda rows: _break(rows, "since", "去年"), "date_format", "入住日期", "去年",
                 _("Dates are written 2020-02-24")),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("case", list(CASES))
def test_one_bad_row_imports_nothing_and_is_reported(case, fmt, places, personas, make_person, tmp_path):
    change, code, column, shown, reason = CASES[case]
    if case == "id_number_taken":
        make_person(places["far"].grids.get(), id_number=resident_id(99, "19550505"))  # in another community
    rows = change(good_rows())
    before = counts()
    result = import_people(actor=personas["office"], community=places["home"],
                           path=write_file(fmt, tmp_path / "bad", rows))
    assert not result.ok
    assert counts() == before
    assert [(e.row, e.column, e.code) for e in result.errors] == [(BAD_ROW, column, code)]
    error = result.errors[0]
    key = {"证件号码": "id_number", "联系电话": "phone", "房东证件号码": "landlord_id_number"}.get(column, "")
    raw = rows[2].get(key, "")
    if shown == "masked":
        assert error.value == mask_id_number(raw) and "*" in error.value
    else:
        assert error.value == shown
    if raw:
        assert raw.replace(" ", "") not in error.value  # ID numbers and phones never appear in clear
    message, params = reason if isinstance(reason, tuple) else (reason, None)
    assert (error.reason, error.reason_en) == in_both(message, params)
    assert error.as_dict() == {"row": BAD_ROW, "column": column, "value": error.value, "code": code,
                               "reason": error.reason, "reason_en": error.reason_en}


def test_every_problem_of_every_row_is_reported_at_once(places, personas, tmp_path):
    rows = good_rows()
    rows[0]["phone"] = "12"
    rows[0]["relation"] = "邻居"
    rows[3]["id_number"] = "123"
    before = counts()
    result = import_people(actor=personas["office"], community=places["home"],
                           path=write_csv(tmp_path / "bad.csv", rows))
    assert counts() == before
    assert sorted((e.row, e.code) for e in result.errors) == [(2, "invalid_choice"), (2, "phone_format"),
                                                               (5, "id_format")]
    relation = next(e for e in result.errors if e.code == "invalid_choice")
    assert relation.column == "与户主关系" and relation.reason_en.startswith("Relation must be one of")


def test_a_missing_required_column_rejects_the_file_naming_it(places, personas, tmp_path):
    headers = [h for h in HEADERS if h not in ("证件号码", "房号")]
    path = write_csv(tmp_path / "cols.csv", good_rows(), headers=headers)
    before = counts()
    with pytest.raises(ImportFileError) as exc:
        import_people(actor=personas["office"], community=places["home"], path=path)
    assert counts() == before
    assert exc.value.code == "missing_columns"
    report = [e.as_dict() for e in exc.value.errors()]
    assert [(e["row"], e["column"], e["code"]) for e in report] == [(1, "房号", "missing_columns"),
                                                                    (1, "证件号码", "missing_columns")]
    assert (report[0]["reason"], report[0]["reason_en"]) == in_both(
        _("This required column is missing from the header row"))


def test_a_failure_while_inserting_leaves_nothing_behind(places, personas, tmp_path, monkeypatch):
    real = importing.write.insert_rows

    def failing(model, names, rows):
        if model is Tenancy:
            raise RuntimeError("disk full")
        return real(model, names, rows)

    monkeypatch.setattr(importing.write, "insert_rows", failing)
    before = counts()
    with pytest.raises(RuntimeError):
        import_people(actor=personas["office"], community=places["home"],
                      path=write_csv(tmp_path / "ok.csv", good_rows()))
    assert counts() == before


def test_only_whole_community_staff_may_import(places, personas, tmp_path):
    from fangkong.core.errors import NotFound, PermissionDenied

    path = write_csv(tmp_path / "ok.csv", good_rows())
    with pytest.raises(PermissionDenied):
        import_people(actor=personas["grid1"], community=places["home"], path=path)
    with pytest.raises(NotFound):
        import_people(actor=personas["outsider"], community=places["home"], path=path)
    assert Person.objects.count() == 0
