"""The exports API: the contract's shapes and codes, and who gets the file."""

from __future__ import annotations

import io
import typing
from datetime import timedelta

import openpyxl
import pytest

from fangkong.core.dates import local_today
from fangkong.ledgers.api import LedgerKey
from fangkong.ledgers.jobs import exports_expire
from fangkong.ledgers.models import Export, Ledger


@pytest.fixture
def people(make_person, places):
    return [make_person(places["grid1"], name=f"居民{i}", phone=f"1390000{i:04d}") for i in range(2)]


def _body(**extra):
    today = local_today().isoformat()
    return {"ledger": "returnees", "community": "C1", "date_from": today, "date_to": today, **extra}


def test_api_ledger_choices_follow_the_model():
    assert set(typing.get_args(LedgerKey)) == set(Ledger.values)


def test_export_answers_202_with_the_password_once(specs, data_dir, api_client, people):
    answer = api_client("leader").post("/api/v1/exports", _body(), content_type="application/json")
    assert answer.status_code == 202
    body = answer.json()
    assert set(body) == {"id", "status", "progress", "password"} and len(body["password"]) == 12
    detail = api_client("leader").get(f"/api/v1/exports/{body['id']}").json()
    assert detail["status"] == "done" and detail["rows"] == 2 and detail["encrypted"] is True
    assert detail["progress"] == 100 and detail["expires_at"]
    assert "password" not in detail


def test_masked_export_has_no_password(specs, data_dir, api_client, people):
    answer = api_client("leader").post("/api/v1/exports", _body(masked=True), content_type="application/json")
    assert answer.status_code == 202 and "password" not in answer.json()


def test_file_for_the_exporter_and_leaders_only(specs, data_dir, api_client, people):
    made = api_client("office").post("/api/v1/exports", _body(masked=True), content_type="application/json")
    pk = made.json()["id"]
    got = api_client("office").get(f"/api/v1/exports/{pk}/file")
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]
    assert "filename*=utf-8''" in got["Content-Disposition"].lower()
    assert api_client("leader").get(f"/api/v1/exports/{pk}/file").status_code == 200
    assert api_client("street").get(f"/api/v1/exports/{pk}/file").status_code == 403  # in scope, not theirs
    assert api_client("street").get(f"/api/v1/exports/{pk}").status_code == 403
    assert api_client("outsider").get(f"/api/v1/exports/{pk}/file").status_code == 404
    assert api_client("outsider").get(f"/api/v1/exports/{pk}").status_code == 404


def test_office_staff_who_did_not_export_gets_403(specs, data_dir, api_client, personas, people, places):
    from fangkong.accounts.roles import Role
    from fangkong.accounts.services import token_create, user_create

    made = api_client("leader").post("/api/v1/exports", _body(masked=True), content_type="application/json")
    colleague = user_create(username="office2", password="pw-office2", role=Role.OFFICE_STAFF,
                            communities=[places["home"]])
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=colleague)}")
    assert client.get(f"/api/v1/exports/{made.json()['id']}/file").status_code == 403


def test_refusals(specs, data_dir, api_client, people):
    post = api_client("grid1").post
    assert post("/api/v1/exports", _body(), content_type="application/json").status_code == 403
    assert api_client("outsider").post("/api/v1/exports", _body(),
                                       content_type="application/json").status_code == 404
    future = (local_today() + timedelta(days=1)).isoformat()
    bad = api_client("leader").post("/api/v1/exports", _body(date_to=future), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "in_future"
    unknown = api_client("leader").post("/api/v1/exports", _body(ledger="payroll"), content_type="application/json")
    assert unknown.status_code == 400
    assert not Export.objects.exists()


def test_expired_file_is_gone(specs, data_dir, api_client, people):
    pk = api_client("leader").post("/api/v1/exports", _body(masked=True), content_type="application/json").json()["id"]
    export = Export.objects.get(pk=pk)
    exports_expire(now=export.expires_at + timedelta(seconds=1))
    gone = api_client("leader").get(f"/api/v1/exports/{pk}/file")
    assert gone.status_code == 410 and gone.json()["code"] == "expired"
    assert api_client("leader").get(f"/api/v1/exports/{pk}").json()["status"] == "expired"


def test_street_rollup_by_api_and_not_another_street(specs, data_dir, api_client, people):
    today = local_today().isoformat()
    mine = api_client("street").post("/api/v1/exports", {"ledger": "daily_report", "date_from": today,
                                                         "date_to": today}, content_type="application/json")
    assert mine.status_code == 202
    other = api_client("street").post("/api/v1/exports", {"ledger": "daily_report", "street": "370212009",
                                                          "date_from": today, "date_to": today},
                                      content_type="application/json")
    assert other.status_code == 404
    listed = api_client("street").get("/api/v1/exports").json()
    assert [e["ledger"] for e in listed] == ["daily_report"] and listed[0]["street"]
    file = api_client("street").get(f"/api/v1/exports/{mine.json()['id']}/file")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(file.streaming_content))).active
    assert sheet["A1"].value == "防控日报告表"


def test_ledgers_list_shows_the_layout_in_force(specs, api_client, personas, places):
    from fangkong.ledgers.services import ledger_layout_set

    ledger_layout_set(actor=personas["leader"], ledger="returnees", community=places["home"], title="本社区返回人员",
                      columns=[{"key": "serial", "header": "序号"}, {"key": "name", "header": "姓名(全名)"}])
    answer = api_client("leader").get("/api/v1/ledgers?community=C1").json()
    returnees = next(item for item in answer if item["key"] == "returnees")
    assert returnees["title"] == "本社区返回人员"
    assert [c["header"] for c in returnees["columns"]] == ["序号", "姓名(全名)"]
    assert {item["key"] for item in api_client("grid1").get("/api/v1/ledgers").json()} == set()


def test_roles_without_export_get_403_before_anything_is_read(specs, data_dir, api_client, people):
    pk = api_client("leader").post("/api/v1/exports", _body(masked=True), content_type="application/json").json()["id"]
    for path in ("/api/v1/exports", f"/api/v1/exports/{pk}", f"/api/v1/exports/{pk}/file"):
        assert api_client("grid1").get(path).status_code == 403
    far = api_client("grid1").post("/api/v1/exports", _body(community="C9"), content_type="application/json")
    assert far.status_code == 403
