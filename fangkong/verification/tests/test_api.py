"""The API of pushed-down lists, exactly as the issue writes it: upload 201 {id, rows, routed, unmatched},
400 with row errors, counts, masked rows, outcome {row, community, outcome, note, outcome_by, outcome_at}."""

from __future__ import annotations

import pytest

from fangkong.verification.models import VerificationList, VerificationRow
from fangkong.verification.tests.helpers import stranger_id, write_csv

pytestmark = pytest.mark.django_db


def post_file(client, path, **data):
    with path.open("rb") as f:
        return client.post("/api/v1/verification-lists", {"file": f, **data})


def test_upload_answers_201_with_the_routing(api_client, places, make_person, tmp_path):
    a = make_person(places["grid1"], name="张三")
    path = write_csv(tmp_path / "l.csv",
                     [["张三", a.id_number, "", "", "", ""], ["某", stranger_id(1), "", "", "", ""]])
    r = post_file(api_client("street"), path, batch="B-9")
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "rows", "routed", "unmatched"}
    assert (body["rows"], body["routed"], body["unmatched"]) == (2, {"C1": 1}, 1)
    assert VerificationList.objects.get(pk=body["id"]).batch == "B-9"


def test_upload_with_row_errors_answers_400_and_writes_nothing(api_client, places, tmp_path):
    good = stranger_id(3)
    path = write_csv(tmp_path / "l.csv", [["", good, "", "", "", ""], ["乙", good[:17] + "Y", "", "", "", ""]])
    r = post_file(api_client("street"), path, batch="B-9")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid_rows"
    assert {(e["row"], e["field"], e["code"]) for e in body["errors"]} == {(2, "姓名", "required"),
                                                                          (3, "身份证号码", "id_format")}
    assert all(e["message"] and e["message_zh"] for e in body["errors"])
    assert not VerificationList.objects.exists()


def test_upload_needs_the_permission_and_a_street_in_scope(api_client, places, tmp_path):
    path = write_csv(tmp_path / "l.csv", [["甲", stranger_id(4), "", "", "", ""]])
    assert post_file(api_client("leader"), path, batch="B").status_code == 403
    assert post_file(api_client("street"), path, batch="B", street=places["far"].street.code).status_code == 404
    assert post_file(api_client("street"), path, batch="").status_code == 400
    bad = tmp_path / "l.txt"
    bad.write_text("x")
    assert post_file(api_client("street"), bad, batch="B").json()["errors"][0]["code"] == "unsupported_type"
    assert not VerificationList.objects.exists()


def test_lists_and_counts_are_scoped(api_client, pushed):
    vid = pushed["list"].pk
    assert [v["id"] for v in api_client("street").get("/api/v1/verification-lists").json()] == [vid]
    assert [v["id"] for v in api_client("office").get("/api/v1/verification-lists").json()] == [vid]
    assert api_client("outsider").get("/api/v1/verification-lists").json() == []
    assert api_client("outsider").get(f"/api/v1/verification-lists/{vid}").status_code == 404
    detail = api_client("street").get(f"/api/v1/verification-lists/{vid}").json()
    by = {c["community"]: c for c in detail["communities"]}
    assert (by["C1"]["rows"], by["C2"]["rows"], by[None]["rows"]) == (3, 1, 1)
    assert set(by["C1"]["outcomes"]) == {"confirmed", "info_wrong", "missed", "not_here", "outside_window"}
    office = api_client("office").get(f"/api/v1/verification-lists/{vid}").json()
    assert [c["community"] for c in office["communities"]] == ["C1"]


def test_rows_are_masked_and_filtered(api_client, pushed):
    vid = pushed["list"].pk
    rows = api_client("office").get(f"/api/v1/verification-lists/{vid}/rows").json()
    assert [r["row"] for r in rows] == [1, 2, 4]
    full = pushed["people"][0].id_number
    text = api_client("office").get(f"/api/v1/verification-lists/{vid}/rows").content.decode()
    assert full not in text and "13800000001" not in text
    assert rows[0]["id_number"] == full[:4] + "*" * 10 + full[-4:] and rows[0]["phone"] == "138****0001"
    assert rows[0]["name"] != "张三"
    c2 = api_client("street").get(f"/api/v1/verification-lists/{vid}/rows?community=C2").json()
    assert [r["row"] for r in c2] == [3]
    assert api_client("office").get(f"/api/v1/verification-lists/{vid}/rows?community=C9").status_code == 404


def test_outcome_endpoint(api_client, pushed, personas):
    vid = pushed["list"].pk
    url = f"/api/v1/verification-lists/{vid}/rows/1/outcome"
    r = api_client("grid1").post(url, {"outcome": "confirmed", "note": "已电话核实"}, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {"row", "community", "outcome", "note", "outcome_by", "outcome_at"}
    assert (body["row"], body["community"], body["outcome"], body["note"], body["outcome_by"]) == (
        1, "C1", "confirmed", "已电话核实", "grid1")
    open_rows = api_client("office").get(f"/api/v1/verification-lists/{vid}/rows?open=1").json()
    assert [r["row"] for r in open_rows] == [2, 4]


def test_outcome_refusals(api_client, pushed):
    vid = pushed["list"].pk
    post = lambda who, n, outcome: api_client(who).post(  # noqa: E731
        f"/api/v1/verification-lists/{vid}/rows/{n}/outcome", {"outcome": outcome}, content_type="application/json")
    assert post("office", 1, "maybe").status_code == 400
    assert post("office", 3, "confirmed").status_code == 404  # C2's row
    assert post("office", 5, "confirmed").status_code == 404  # the street's unmatched row
    assert post("outsider", 1, "confirmed").status_code == 404
    assert post("street", 1, "confirmed").status_code == 403
    r = post("office", 4, "missed")
    assert (r.status_code, r.json()["errors"][0]["code"]) == (400, "not_registered")
    assert not VerificationRow.objects.exclude(outcome="").exists()


def test_the_endpoints_are_in_the_openapi_schema(api_client):
    paths = api_client("admin").get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/verification-lists", "/api/v1/verification-lists/{list_id}",
                 "/api/v1/verification-lists/{list_id}/rows",
                 "/api/v1/verification-lists/{list_id}/rows/{row}/outcome"):
        assert path in paths


def test_upload_without_a_file_is_400_for_the_street_and_403_for_others(api_client, places):
    r = api_client("street").post("/api/v1/verification-lists", {"batch": "B"})
    assert (r.status_code, r.json()["errors"][0]["field"]) == (400, "file")
    assert api_client("office").post("/api/v1/verification-lists", {"batch": "B"}).status_code == 403
