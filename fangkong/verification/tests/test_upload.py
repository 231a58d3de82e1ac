"""The street office uploads a list: every row checked before anything is written, each row routed to the
community where the person is registered or the address lies, the rest left with the street."""

from __future__ import annotations

import pytest

from fangkong.accounts.models import AuditEntry
from fangkong.core import crypto
from fangkong.core.errors import NotFound, PermissionDenied
from fangkong.registry.importing import ImportFileError
from fangkong.registry.services import household_create
from fangkong.verification.errors import RowsRejected
from fangkong.verification.models import VerificationList, VerificationRow
from fangkong.verification.services import verification_list_upload
from fangkong.verification.tests.helpers import HEADERS_ZH, stranger_id, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def upload(personas, places, path, who="street", batch="B-1201"):
    return verification_list_upload(actor=personas[who], street=places["home"].street, batch=batch, path=path,
                                    filename=path.name)


def test_rows_are_routed_by_id_number_by_address_or_stay_with_the_street(places, personas, make_person, tmp_path):
    alice = make_person(places["grid1"], name="张三", phone="13800000001")
    bob = make_person(places["neighbour"].grids.get(), name="李四")
    far = make_person(places["far"].grids.get(), name="王五")  # registered in the other street
    household_create(actor=personas["admin"], community=places["neighbour"], grid=places["neighbour"].grids.get(),
                     building_name="12号", unit="3单元", room="501", address="海口路 12号 3单元 501")
    path = write_csv(tmp_path / "list.csv", [
        ["张三", alice.id_number, "13800000001", "", "大数据", ""],
        ["李四", bob.id_number, "", "随便写的地址", "大数据", ""],
        ["赵六", stranger_id(1), "", "海口路12号３单元501", "上级下发", "B-extra"],  # full-width 3, no spaces
        ["钱七", stranger_id(2), "", "崂山区二号社区某楼", "上级下发", ""],  # names the community
        ["孙八", stranger_id(3), "", "外省某地", "上级下发", ""],
        ["王五", far.id_number, "", "", "上级下发", ""],
    ])

    result = upload(personas, places, path)

    vlist = result.vlist
    rows = {r.number: r for r in VerificationRow.objects.filter(vlist=vlist)}
    assert (vlist.rows, vlist.unmatched) == (6, 2)
    assert result.routed == {"C1": 1, "C2": 3}
    assert (rows[1].community, rows[1].routed_by, rows[1].person) == (places["home"], "id_number", alice)
    assert (rows[2].community, rows[2].routed_by, rows[2].person) == (places["neighbour"], "id_number", bob)
    assert (rows[3].community, rows[3].routed_by) == (places["neighbour"], "address")
    assert (rows[4].community, rows[4].routed_by) == (places["neighbour"], "address")
    assert (rows[5].community, rows[5].registered_elsewhere) == (None, False)
    # Registered in another street: not sent there, and the street office is told why it stayed.
    assert (rows[6].community, rows[6].person, rows[6].registered_elsewhere) == (None, None, True)
    assert rows[3].batch == "B-extra" and rows[1].batch == "B-1201"
    assert all(r.received_at == vlist.uploaded_at and r.street == places["home"].street for r in rows.values())


def test_identifiers_are_stored_protected(places, personas, make_person, tmp_path):
    alice = make_person(places["grid1"], name="张三")
    upload(personas, places, write_csv(tmp_path / "l.csv", [["张三", alice.id_number, "13800000009", "", "", ""]]))
    row = VerificationRow.objects.get()
    assert alice.id_number not in row.id_number_encrypted and "13800000009" not in row.phone_encrypted
    assert row.id_number_hash == crypto.blind_index("id", alice.id_number)
    assert row.id_number_masked == alice.id_number[:4] + "*" * 10 + alice.id_number[-4:]
    assert row.phone_masked == "138****0009"
    assert (row.id_number, row.phone) == (alice.id_number, "13800000009")


def test_chinese_headers_in_an_xlsx(places, personas, make_person, tmp_path):
    alice = make_person(places["grid1"], name="张三")
    path = write_xlsx(tmp_path / "下发名单.xlsx",
                      [["1", "张三", alice.id_number, "138 0000 0001", "", "公安", "第3批"]])
    result = upload(personas, places, path)
    row = VerificationRow.objects.get(vlist=result.vlist)
    assert (row.name, row.community, row.source, row.batch, row.phone) == ("张三", places["home"], "公安", "第3批",
                                                                          "13800000001")
    assert HEADERS_ZH[4] == "现住址" and row.address == ""


def test_a_bad_row_writes_nothing_and_every_problem_is_listed(places, personas, tmp_path):
    good = stranger_id(5)
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    path = write_csv(tmp_path / "bad.csv", [
        ["甲", good, "", "", "", ""],
        ["乙", bad_checksum, "", "", "", ""],
        ["", stranger_id(6), "12345", "", "", ""],
        ["丁", good, "", "", "", ""],
    ])
    with pytest.raises(RowsRejected) as caught:
        upload(personas, places, path)
    problems = {(e.row, e.column, e.code) for e in caught.value.errors}
    assert problems == {(3, "身份证号码", "id_checksum"), (4, "姓名", "required"), (4, "联系电话", "phone_format"),
                        (5, "身份证号码", "duplicate_in_file")}
    # In both languages, and no full ID number in the report.
    assert all(e.reason and e.reason_en and e.reason != e.reason_en for e in caught.value.errors)
    assert all(bad_checksum not in e.value and good not in e.value for e in caught.value.errors)
    assert not VerificationList.objects.exists() and not VerificationRow.objects.exists()
    assert not AuditEntry.objects.filter(object_type="verification_list").exists()


def test_a_missing_required_column_refuses_the_file(places, personas, tmp_path):
    path = write_csv(tmp_path / "nocol.csv", [["甲", "x"]], headers=["姓名", "电话"])
    with pytest.raises(ImportFileError) as caught:
        upload(personas, places, path)
    assert caught.value.code == "missing_columns" and caught.value.columns == ["身份证号码"]
    assert not VerificationList.objects.exists()


def test_the_upload_is_audited_with_its_row_count(places, personas, tmp_path):
    path = write_csv(tmp_path / "l.csv",
                     [["甲", stranger_id(7), "", "", "", ""], ["乙", stranger_id(8), "", "", "", ""]])
    vlist = upload(personas, places, path).vlist
    entry = AuditEntry.objects.get(object_type="verification_list")
    assert (entry.action, entry.object_id, entry.count, entry.actor) == ("import", str(vlist.pk), 2,
                                                                        personas["street"])


def test_only_a_street_of_ones_own_and_only_with_the_permission(places, personas, tmp_path):
    path = write_csv(tmp_path / "l.csv", [["甲", stranger_id(9), "", "", "", ""]])
    with pytest.raises(PermissionDenied):
        upload(personas, places, path, who="leader")
    with pytest.raises(NotFound):
        verification_list_upload(actor=personas["street"], street=places["far"].street, batch="x", path=path,
                                 filename="l.csv")
    # The administrator may upload for any street.
    verification_list_upload(actor=personas["admin"], street=places["far"].street, batch="x", path=path,
                             filename="l.csv")
    assert VerificationList.objects.get().street == places["far"].street


def test_a_purged_person_routes_nowhere_by_id_number(places, personas, make_person, tmp_path):
    from django.utils import timezone

    from fangkong.registry.models import Person

    gone = make_person(places["grid1"], name="已清除")
    number = gone.id_number
    Person.objects.filter(pk=gone.pk).update(purged_at=timezone.now())
    vlist = upload(personas, places, write_csv(tmp_path / "l.csv", [["已清除", number, "", "", "", ""]])).vlist
    row = VerificationRow.objects.get(vlist=vlist)
    assert (row.community, row.person, row.routed_by) == (None, None, "none")
