"""The daily report over the API: the contract of the issue, scope, 409 on a second submission."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core.dates import local_today
from fangkong.gates.models import Gate, Scan
from fangkong.reports.models import DailyReportVersion, ReportReminder

CONTRACT = {"home_observation_now", "centralised_observation_now", "released_today", "fever_found_today",
            "screened_households_today", "screened_people_today", "key_area_returnees_new",
            "key_area_returnees_total", "temporary_passes_total", "gate_checks_today", "gate_denials_today",
            "verification_rows_received", "verification_rows_checked"}


def test_get_daily_report(places, api_client):
    home = places["home"]
    gate = Gate.objects.create(community=home, code="g", name="g")
    from django.utils import timezone

    for decision in ("allow", "allow", "deny"):
        Scan.objects.create(community=home, gate=gate, at=timezone.now() - timedelta(seconds=5), direction="in",
                            decision=decision)
    r = api_client("leader").get(f"/api/v1/reports/daily?community=C1&date={local_today().isoformat()}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert {"community", "date", "period_start", "period_end", "status", "late", "version", "figures", "typed",
            "deadline", "zero"} <= set(body)
    assert body["community"] == "C1" and body["status"] == "draft" and body["version"] == 0
    assert CONTRACT <= set(body["figures"])
    assert body["figures"]["gate_checks_today"] == 3 and body["figures"]["gate_denials_today"] == 1
    assert body["typed"]["suspected_cases"] == 0


def test_submit_then_409_then_correction(places, api_client):
    c = api_client("leader")
    url = f"/api/v1/reports/daily/C1/{local_today().isoformat()}/submit"
    r = c.post(url, {"note": "零报告"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted" and r.json()["version"] == 1
    r = c.post(url, {}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "already_submitted"
    r = c.post(url, {"correction_reason": "补报"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2
    body = c.get("/api/v1/reports/daily?community=C1").json()
    assert body["version"] == 2 and [v["version"] for v in body["versions"]] == [2, 1]


def test_submit_refused_for_the_wrong_role_and_scope(places, api_client):
    url = f"/api/v1/reports/daily/C1/{local_today().isoformat()}/submit"
    assert api_client("office").post(url, {}, content_type="application/json").status_code == 403
    assert api_client("street").post(url, {}, content_type="application/json").status_code == 403
    assert api_client("outsider").post(url, {}, content_type="application/json").status_code == 404
    assert not DailyReportVersion.objects.exists()


def test_status_is_scoped(places, api_client):
    day = local_today().isoformat()
    body = api_client("street").get(f"/api/v1/reports/daily/status?date={day}").json()
    assert [row["community"] for row in body["communities"]] == ["C1", "C2"]
    assert {row["status"] for row in body["communities"]} == {"draft"}
    assert "gate_checks_today" in body["totals"]
    body = api_client("outsider").get(f"/api/v1/reports/daily/status?date={day}").json()
    assert [row["community"] for row in body["communities"]] == ["C9"]
    assert api_client("street").get("/api/v1/reports/daily?community=C9").status_code == 404
    assert api_client("leader").get("/api/v1/reports/daily?community=C2").status_code == 404
    assert api_client("grid1").get("/api/v1/reports/daily?community=C1").status_code == 403


def test_missing_after_the_deadline(places, api_client):
    day = (local_today() - timedelta(days=2)).isoformat()
    rows = api_client("street").get(f"/api/v1/reports/daily/status?date={day}").json()["communities"]
    assert {(r["status"], r["late"]) for r in rows} == {("missing", True)}


def test_typed_put_and_errors(places, api_client):
    url = f"/api/v1/reports/daily/C1/{local_today().isoformat()}/typed"
    r = api_client("office").post(url, {"suspected_cases": 1, "problems": "缺测温枪"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["typed"]["suspected_cases"] == 1
    r = api_client("office").post(url, {"suspected_cases": -3}, content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "suspected_cases", r.content
    assert api_client("street").post(url, {}, content_type="application/json").status_code == 403


def test_a_future_day_is_400(places, api_client):
    day = (local_today() + timedelta(days=3)).isoformat()
    assert api_client("leader").get(f"/api/v1/reports/daily?community=C1&date={day}").status_code == 400


def test_reminder(places, api_client):
    body = {"community": "C2", "date": local_today().isoformat(), "message": "请报送"}
    r = api_client("street").post("/api/v1/reports/reminders", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert api_client("leader").post("/api/v1/reports/reminders", body,
                                     content_type="application/json").status_code == 403
    assert api_client("street").post("/api/v1/reports/reminders", {**body, "community": "C9"},
                                     content_type="application/json").status_code == 404
    assert ReportReminder.objects.count() == 1


def test_endpoints_are_in_the_openapi_schema(places, api_client):
    paths = api_client("admin").get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/reports/daily", "/api/v1/reports/daily/status", "/api/v1/reports/daily/{community}/{day}/submit",
            "/api/v1/reports/daily/{community}/{day}/typed", "/api/v1/reports/reminders"} <= set(paths)
