"""The pages: downloads list with the export form and the password shown once, the file, layouts."""

from __future__ import annotations

import openpyxl
import pytest
from django.urls import reverse

from fangkong.core.dates import local_today
from fangkong.ledgers.models import Export, LedgerLayout


@pytest.fixture
def people(make_person, places):
    return [make_person(places["grid1"], name=f"居民{i}", phone=f"1370000{i:04d}") for i in range(2)]


def _form(**extra):
    today = local_today().isoformat()
    return {"ledger": "returnees", "community": "C1", "date_from": today, "date_to": today, **extra}


def test_leader_exports_and_sees_the_password_once(specs, data_dir, login, people):
    client = login("leader")
    answer = client.post(reverse("ledgers:exports"), _form())
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    export = Export.objects.get()
    html = answer.content.decode()
    assert 'id="export-password"' in html and export.encrypted
    again = client.get(reverse("ledgers:exports")).content.decode()
    assert 'id="export-password"' not in again and f'id="export-{export.pk}"' in again


def test_page_refuses_an_out_of_range_date(specs, data_dir, login, people):
    answer = login("leader").post(reverse("ledgers:exports"), _form(date_from="2020-01-01"))
    assert answer.status_code == 200 and not Export.objects.exists()
    assert "At most 31 days" in answer.content.decode()


def test_file_page_for_exporter_and_leader_only(specs, data_dir, login, people):
    login("office").post(reverse("ledgers:exports"), _form(masked="on"))
    export = Export.objects.get()
    got = login("office").get(reverse("ledgers:file", args=[export.pk]))
    assert got.status_code == 200
    assert login("leader").get(reverse("ledgers:file", args=[export.pk])).status_code == 200
    assert login("street").get(reverse("ledgers:file", args=[export.pk])).status_code == 403
    assert login("outsider").get(reverse("ledgers:file", args=[export.pk])).status_code == 404
    status = login("office").get(reverse("ledgers:export_status", args=[export.pk]))
    assert status.status_code == 200 and b"Download" in status.content


def test_layout_edit_applies_to_the_next_export(specs, data_dir, login, people):
    client = login("leader")
    url = reverse("ledgers:layout_edit", args=["returnees", "community", "C1"])
    assert client.get(url).status_code == 200
    form = {"title": "一号社区返回人员台账",
            "shown_serial": "on", "order_serial": 1, "header_serial": "序号",
            "shown_phone": "on", "order_phone": 2, "header_phone": "手机",
            "shown_name": "on", "order_name": 3, "header_name": "姓名",
            "order_id_number": 9, "header_id_number": "身份证号码",
            "order_registered": 9, "order_since": 9, "order_remarks": 9}
    assert client.post(url, form).status_code == 302
    assert LedgerLayout.objects.get().title == "一号社区返回人员台账"
    client.post(reverse("ledgers:exports"), _form(masked="on"))
    export = Export.objects.get()
    sheet = openpyxl.load_workbook(export.stored_path).active
    assert sheet["A1"].value == "一号社区返回人员台账"
    assert [c.value for c in sheet[3]] == ["序号", "手机", "姓名"]
    client.post(url, {"action": "reset"})
    assert not LedgerLayout.objects.exists()


def test_layout_refuses_serial_moved(specs, login):
    client = login("leader")
    url = reverse("ledgers:layout_edit", args=["returnees", "community", "C1"])
    form = {"title": "t", "shown_serial": "on", "order_serial": 2, "header_serial": "序号",
            "shown_name": "on", "order_name": 1, "header_name": "姓名",
            "order_id_number": 9, "order_phone": 9, "order_registered": 9, "order_since": 9, "order_remarks": 9}
    answer = client.post(url, form)
    assert answer.status_code == 200 and not LedgerLayout.objects.exists()


def test_layouts_pages_are_scoped(specs, login):
    assert login("leader").get(reverse("ledgers:layouts")).status_code == 200
    assert login("office").get(reverse("ledgers:layouts")).status_code == 403
    far = reverse("ledgers:layout_edit", args=["returnees", "community", "C9"])
    assert login("leader").get(far).status_code == 404
    street = reverse("ledgers:layout_edit", args=["daily_report", "street", "370212009"])
    assert login("street").get(street).status_code == 404
