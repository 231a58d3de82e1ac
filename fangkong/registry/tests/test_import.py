"""Import of households and people: what a good file creates, and that one bad row imports nothing.

Every rule is checked by a file that breaks only that rule, so a test fails if the rule goes missing.
The report numbers rows as the spreadsheet does (header = row 1), names the column by its Chinese
header, masks ID numbers and phones, and gives the reason in Chinese and in English.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from fangkong.accounts.models import AuditEntry
from fangkong.core.identifiers import id_check_char, mask_id_number, mask_phone
from fangkong.registry import importing
from fangkong.registry.importing import COLUMNS, ImportFileError, import_people, read_rows, template_xlsx
from fangkong.registry.models import Building, Household, ImportJob, Membership, Person, Tenancy

HEADERS = [c.header for c in COLUMNS]


def resident_id(seq: int, birth: str = "19800101", county: str = "370212") -> str:
    first17 = f"{county}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


LANDLORD = resident_id(11, "19650304")
SPOUSE = resident_id(22, "19680509")
CHILD = resident_id(34, "20050607")
TENANT = resident_id(41, "19900101", county="420102")
OWNER = resident_id(53, "19700202")


def good_rows() -> list[dict[str, str]]:
    """Two households of residents and a rented room whose tenant's landlord is in the same file."""
    home = {"grid": "1", "building": "1号楼", "unit": "1单元", "room": "101"}
    return [
        {**home, "name": "王建国", "sex": "男", "id_number": LANDLORD, "phone": "13812345678", "relation": "户主",
         "category": "户籍人口", "tags": "党员、退役军人", "since": "2001-05-01"},
        {**home, "name": "李秀英", "id_number": SPOUSE, "relation": "配偶", "since": "2001-05-01"},
        {**home, "name": "王子涵", "id_number": CHILD, "relation": "子女", "tags": "志愿者"},
        {"grid": "第二网格", "building": "2号楼", "unit": "", "room": "201", "name": "赵梅", "id_number": OWNER,
         "relation": "户主", "tags": "独居老人"},
        {"grid": "1", "building": "1号楼出租屋", "room": "01", "name": "陈勇", "id_number": TENANT,
         "phone": "139 1234 5678", "relation": "租户", "category": "流动人口", "workplace": "物流公司",
         "since": "2019-11-01", "landlord_id_number": LANDLORD},
    ]


def write_csv(path: Path, rows, *, headers=HEADERS, encoding="utf-8-sig") -> Path:
    keys = [next(c.key for c in COLUMNS if c.header == h) for h in headers]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(headers)
    for r in rows:
        w.writerow([r.get(k, "") for k in keys])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows, *, headers=HEADERS, write_only=False) -> Path:
    """write_only=True writes inline strings (as openpyxl's streaming writer does); otherwise shared
    strings, as Excel and WPS do."""
    keys = [next(c.key for c in COLUMNS if c.header == h) for h in headers]
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("人员") if write_only else wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(k, "") for k in keys])
    wb.save(path)
    return path


def write_file(fmt: str, path: Path, rows, **kw) -> Path:
    return write_csv(path.with_suffix(".csv"), rows, **kw) if fmt == "csv" else write_xlsx(
        path.with_suffix(".xlsx"), rows, **kw)


def counts() -> dict[str, int]:
    return {"people": Person.objects.count(), "households": Household.objects.count(),
            "buildings": Building.objects.count(), "memberships": Membership.objects.count(),
            "tenancies": Tenancy.objects.count(), "tags": Person.tags.through.objects.count(),
            "audit": AuditEntry.objects.filter(action="import").count()}


def in_both(message, params=None) -> tuple[str, str]:
    texts = []
    for lang in ("zh-hans", "en"):
        with override(lang):
            texts.append(str(message) % params if params else str(message))
    return texts[0], texts[1]


# ---- a good file ------------------------------------------------------------------------------------

def check_good_import(result, home, office) -> None:
    assert result.ok, result.errors
    assert (result.rows, result.people_created, result.households_created, result.tenancies_created) == (5, 5, 3, 1)
    assert Person.objects.filter(community=home).count() == 5
    landlord = Person.objects.by_id_number(LANDLORD).get()
    assert (landlord.name, landlord.sex, landlord.birth_date) == ("王建国", "M", date(1965, 3, 4))
    assert (landlord.id_number, landlord.id_number_masked) == (LANDLORD, mask_id_number(LANDLORD))
    assert (landlord.phone, landlord.phone_masked) == ("13812345678", "138****5678")
    assert Person.objects.by_phone("13812345678").get() == landlord
    assert landlord.grid.number == 1 and landlord.category == "registered"
    assert landlord.created_at is not None and landlord.retain_until > date.today()
    assert sorted(landlord.tags.values_list("code", flat=True)) == ["party_member", "veteran"]

    family = landlord.household
    assert (family.building.name, family.unit, family.room) == ("1号楼", "1单元", "101")
    assert family.address == f"{home.name}1号楼1单元101"
    members = {m.person.name: (m.relation, m.start_date, m.end_date) for m in family.memberships.all()}
    assert members["王建国"] == ("head", date(2001, 5, 1), None)
    assert members["李秀英"] == ("spouse", date(2001, 5, 1), None)
    assert members["王子涵"][0] == "child"
    assert set(family.current_members.values_list("name", flat=True)) == {"王建国", "李秀英", "王子涵"}
    assert Person.objects.get(name="王子涵").tags.get().code == "volunteer"

    owner = Person.objects.by_id_number(OWNER).get()
    assert owner.grid.number == 2 and owner.household.unit == "" and owner.household.grid.number == 2
    assert owner.memberships.get().relation == "head"
    assert owner.tags.get().code == "elderly_alone"

    tenant = Person.objects.by_id_number(TENANT).get()
    assert (tenant.category, tenant.workplace, tenant.phone) == ("floating", "物流公司", "13912345678")
    tenancy = Tenancy.objects.get()
    assert (tenancy.landlord, tenancy.tenant, tenancy.household) == (landlord, tenant, tenant.household)
    assert (tenancy.community, tenancy.start_date, tenancy.end_date) == (home, date(2019, 11, 1), None)
    assert tenant.memberships.get().relation == "tenant"

    audit = AuditEntry.objects.get(action="import")
    assert (audit.actor, audit.count, audit.community_id, audit.object_type) == (office, 5, home.id, "person")
    assert "id_number" in audit.fields


def test_a_valid_csv_creates_households_people_memberships_tags_and_tenancies(places, personas, tmp_path):
    path = write_csv(tmp_path / "people.csv", good_rows())
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    check_good_import(result, places["home"], personas["office"])


@pytest.mark.parametrize("write_only", [False, True], ids=["shared-strings", "inline-strings"])
def test_a_valid_xlsx_imports_the_same(places, personas, tmp_path, write_only):
    path = write_xlsx(tmp_path / "people.xlsx", good_rows(), write_only=write_only)
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    check_good_import(result, places["home"], personas["office"])


def test_xlsx_cells_typed_as_numbers_and_dates_read_as_written(places, personas, tmp_path):
    """Excel turns 13812345678 into a number and 2019-11-01 into a date cell unless told otherwise."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    row = dict.fromkeys(HEADERS, None) | {"网格": 1, "楼栋": "5号楼", "房号": 301, "姓名": "孙红", "证件号码": OWNER,
                                          "联系电话": 13812345678, "与户主关系": "户主",
                                          "入住日期": datetime(2019, 11, 1)}
    ws.append(list(row.values()))
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    result = import_people(actor=personas["office"], community=places["home"], path=path)
    assert result.ok, result.errors
    p = Person.objects.get()
    assert (p.phone, p.household.room, p.grid.number) == ("13812345678", "301", 1)
    assert p.memberships.get().start_date == date(2019, 11, 1)


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


@pytest.mark.parametrize("name,content,code", [
    ("people.xls", b"\xd0\xcf\x11\xe0", "unsupported_type"),
    ("people.txt", "网格,楼栋".encode(), "unsupported_type"),
    ("people.xlsx", b"PK\x03\x04 not really a zip", "unreadable_file"),
    ("people.csv", b"\xff\xfe\x00\xd8\x00\xdc" * 3, "unreadable_file"),
])
def test_files_that_cannot_be_read_are_rejected(places, personas, tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as exc:
        import_people(actor=personas["office"], community=places["home"], path=path)
    assert exc.value.code == code
    [error] = exc.value.errors()
    assert error.reason and error.reason_en and error.row is None
    assert Person.objects.count() == 0


def test_a_failure_while_inserting_leaves_nothing_behind(places, personas, tmp_path, monkeypatch):
    real = importing._insert_rows

    def failing(model, names, rows):
        if model is Tenancy:
            raise RuntimeError("disk full")
        return real(model, names, rows)

    monkeypatch.setattr(importing, "_insert_rows", failing)
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


# ---- the template -----------------------------------------------------------------------------------

def test_the_template_has_the_chinese_headers_and_imports_once_filled(places, personas, tmp_path):
    blank = tmp_path / "template.xlsx"
    blank.write_bytes(template_xlsx())
    wb = load_workbook(blank)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.cell(row=2, column=HEADERS.index("证件号码") + 1).number_format == "@"  # 18 digits stay text
    keys = [c.key for c in COLUMNS]
    for i, r in enumerate(good_rows(), start=2):  # the example row is overwritten by the first resident
        for j, key in enumerate(keys, start=1):
            ws.cell(row=i, column=j).value = r.get(key) or None
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    result = import_people(actor=personas["office"], community=places["home"], path=filled)
    check_good_import(result, places["home"], personas["office"])


# ---- the xlsx reader reads what openpyxl reads --------------------------------------------------------

def test_the_xlsx_reader_agrees_with_openpyxl_cell_by_cell(tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["1", "3号楼", None, 301, "  padded  ", "甲", True, 3.5, 1.5e10, 13812345678, "=\"户\"&\"主\""])
    ws["O2"] = datetime(2019, 5, 1)
    ws["P2"] = date(2020, 2, 24)
    ws["E4"] = CellRichText([TextBlock(InlineFont(b=True), "粗"), "体"])
    ws["Z7"] = "far right"  # a sparse row after two missing ones
    ws["A9"] = 0.1
    ws["B9"] = -42
    ws["C9"] = False
    path = tmp_path / "mixed.xlsx"
    wb.save(path)

    expected = {}
    sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    for n, row in enumerate(sheet.iter_rows(values_only=True), 1):
        texts = [importing._cell_text(v) for v in row]
        if any(texts):
            expected[n] = texts
    _columns, rows = read_rows(path)
    got = {n: cells for n, cells in rows}
    got[1] = HEADERS
    for n in expected:
        width = max(len(expected[n]), len(got[n]))
        assert got[n] + [""] * (width - len(got[n])) == expected[n] + [""] * (width - len(expected[n])), n
    assert set(got) == set(expected)
    assert got[2][4] == "padded" and got[2][14] == "2019-05-01" and got[4][4] == "粗体"


def test_the_xlsx_reader_takes_namespace_prefixes_and_the_1904_calendar(places, personas, tmp_path):
    """WPS and .NET writers prefix every tag (x:row, x:c); old Mac workbooks count days from 1904."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(HEADERS)
    row = good_rows()[0]
    ws.append([row.get(c.key, "") for c in COLUMNS])
    ws.cell(row=2, column=HEADERS.index("入住日期") + 1, value=datetime(2001, 5, 1))
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(prefixed, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/") and item.filename.endswith(".xml"):
                text = data.decode()
                text = re.sub(r"<(/?)(?![?!])([A-Za-z]+)([\s>/])", r"<\1x:\2\3", text)
                data = text.replace("<x:worksheet xmlns=", "<x:worksheet xmlns:x=", 1).encode()
                assert b"<x:row" in data
            dst.writestr(item, data)
    result = import_people(actor=personas["office"], community=places["home"], path=prefixed)
    assert result.ok, result.errors
    assert Person.objects.get().memberships.get().start_date == date(2001, 5, 1)


def test_an_xlsx_part_with_a_dtd_is_refused(places, personas, tmp_path):
    plain = write_xlsx(tmp_path / "plain.xlsx", good_rows())
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
                data = data.replace(b"?>", b"?>" + dtd, 1) if data.startswith(b"<?xml") else dtd + data
            dst.writestr(item, data)
    with pytest.raises(ImportFileError) as exc:
        import_people(actor=personas["office"], community=places["home"], path=evil)
    assert exc.value.code == "unreadable_file"


# ---- the web flow -----------------------------------------------------------------------------------

def client_for(user, language: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def upload(c: Client, community: str, name: str, content: bytes):
    return c.post(reverse("registry:import_start"),
                  {"community": community, "file": SimpleUploadedFile(name, content)})


def test_uploading_a_good_file_imports_it_and_the_job_page_says_done(places, personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    content = write_xlsx(tmp_path / "people.xlsx", good_rows()).read_bytes()
    c = client_for(personas["office"])
    r = upload(c, "C1", "人口.xlsx", content)
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("registry:import_job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE and job.created_by == personas["office"]
    assert job.summary == {"rows": 5, "households": 3, "people": 5, "tenancies": 1}
    assert not Path(job.stored_path).exists()  # the upload holds personal data: gone with the job
    page = c.get(r["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="status-done"' in html and "人口.xlsx" in html
    assert Person.objects.filter(community=places["home"]).count() == 5


def test_uploading_a_bad_file_shows_the_row_report_in_the_users_language(places, personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = good_rows()
    bad_id = CHILD[:-1] + ("0" if CHILD[-1] != "0" else "1")
    rows[2]["id_number"] = bad_id
    content = write_csv(tmp_path / "bad.csv", rows).read_bytes()
    r = upload(client_for(personas["office"]), "C1", "bad.csv", content)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED and Person.objects.count() == 0
    zh, en = in_both(_("The check digit of the ID number is wrong"))
    assert job.errors == [{"row": BAD_ROW, "column": "证件号码", "value": mask_id_number(bad_id),
                           "code": "id_checksum", "reason": zh, "reason_en": en}]
    for language, reason in (("zh-hans", zh), ("en", en)):
        html = client_for(personas["office"], language).get(r["Location"]).content.decode()
        assert 'class="status-rejected"' in html and 'data-code="id_checksum"' in html
        assert f"<td>{BAD_ROW}</td><td>证件号码</td>" in html
        assert mask_id_number(bad_id) in html and bad_id not in html
        assert reason in html
    if zh != en:  # once the Chinese catalogue has the message, each language sees only its own
        assert zh not in client_for(personas["office"], "en").get(r["Location"]).content.decode()


def test_a_file_missing_columns_is_rejected_with_the_columns_listed(places, personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    content = write_csv(tmp_path / "cols.csv", good_rows(), headers=[h for h in HEADERS if h != "姓名"]).read_bytes()
    r = upload(client_for(personas["office"]), "C1", "cols.csv", content)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [(1, "姓名", "missing_columns")]
    html = client_for(personas["office"], "en").get(r["Location"]).content.decode()
    assert "<td>1</td><td>姓名</td>" in html
    assert in_both(_("This required column is missing from the header row"))[1] in html


def test_the_form_refuses_other_file_types(places, personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    r = upload(client_for(personas["office"]), "C1", "people.xls", b"\xd0\xcf\x11\xe0")
    assert r.status_code == 200 and not ImportJob.objects.exists()
    assert r.context["form"].errors["file"]


def test_a_grid_worker_may_not_import(places, personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    c = client_for(personas["grid1"])
    assert c.get(reverse("registry:import_start")).status_code == 403
    assert c.get(reverse("registry:import_template")).status_code == 403
    content = write_csv(tmp_path / "ok.csv", good_rows()).read_bytes()
    assert upload(c, "C1", "ok.csv", content).status_code == 403
    assert not ImportJob.objects.exists() and Person.objects.count() == 0


def test_the_template_download(places, personas):
    r = client_for(personas["office"]).get(reverse("registry:import_template"))
    assert r.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(r.content)).worksheets[0][1]] == HEADERS


# ---- the command ------------------------------------------------------------------------------------

def test_the_import_command_prints_the_report_in_both_languages(tmp_path):
    """As a user runs it, in its own data dir (SQLite), outside the test database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FANGKONG_DATA_DIR")}
    env["FANGKONG_TASKS"] = "immediate"

    def fk(*args):
        return subprocess.run([sys.executable, "-m", "fangkong", "--data-dir", str(tmp_path / "data"), *args],
                              capture_output=True, text=True, env=env, timeout=300)

    assert fk("seed", "--communities", "1", "--people", "10").returncode == 0
    rows = good_rows()
    rows[0]["phone"] = "1381234567"
    r = fk("import", "people", str(write_csv(tmp_path / "bad.csv", rows)), "--community", "SEED0001")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[0] == "row\tcolumn\tvalue\tcode\treason\treason_en"
    row, column, value, code, _zh, en = lines[1].split("\t")
    assert (row, column, value, code) == ("2", "联系电话", mask_phone("1381234567"), "phone_format")
    assert en == "A phone number is 11 digits starting with 13-19, or a landline with area code"
    assert "1381234567" not in r.stdout
    r = fk("import", "people", str(write_csv(tmp_path / "ok.csv", good_rows())), "--community", "SEED0001")
    assert r.returncode == 0 and "Imported 5 people, 3 new households, 1 tenancies." in r.stdout
