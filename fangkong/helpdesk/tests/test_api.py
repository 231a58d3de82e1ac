"""Residents' requests through the API and the services: timings against policy, overdue, scope, shapes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from fangkong.helpdesk import selectors, services
from fangkong.helpdesk.models import Request

SH = ZoneInfo("Asia/Shanghai")


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _at(hour: int, minute: int = 0) -> datetime:
    # A fixed day in the past, in Shanghai time: independent of the time the tests run.
    return datetime(2026, 11, 20, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(("hour", "minutes"), [(8, 30), (10, 30), (19, 30), (20, 120), (23, 120), (3, 120),
                                               (7, 120)])
def test_answer_target_by_day_and_night(places, hour, minutes):
    at = _at(hour, 59 if hour in (7, 19) else 0)
    due = services.answer_due(community=places["home"], received_at=at)
    assert due - at == timedelta(minutes=minutes)


def test_answer_target_follows_the_policy_in_force(places, personas):
    from fangkong.policy.services import policy_set

    policy_set(actor=personas["admin"], community=places["home"], key="request_answer_day_minutes", value=15,
               effective_from=_at(0).date() - timedelta(days=1), note="faster answers")
    due = services.answer_due(community=places["home"], received_at=_at(10))
    assert due - _at(10) == timedelta(minutes=15)


def test_overdue_is_unanswered_past_its_target(places, personas):
    office = personas["office"]
    now = timezone.now()
    late = services.request_receive(actor=office, community=places["home"], channel="phone", text="楼道灯坏了请修理",
                                    received_at=now - timedelta(hours=3))
    fresh = services.request_receive(actor=office, community=places["home"], channel="phone", text="问一下购物时间")
    far = services.request_receive(actor=personas["outsider"], community=places["far"], channel="chat",
                                   text="别的社区的请求", received_at=now - timedelta(hours=3))
    assert selectors.requests_overdue(community_ids=[places["home"].pk]) == 1
    listed = {r.pk: r.overdue for r in selectors.request_list(actor=office)}
    assert listed == {late.pk: True, fresh.pk: False}
    services.request_answer(actor=office, pk=late.pk, text="已联系物业")
    assert selectors.requests_overdue(community_ids=[places["home"].pk]) == 0
    assert selectors.requests_overdue(community_ids=[places["far"].pk]) == 1 and far.pk


def test_api_create_answer_close_and_list(api_client, places):
    office = api_client("office")
    r = post(office, "/api/v1/requests", {"channel": "phone", "text": "家里老人需要买药", "contact": "13912345678"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "status"} and body["status"] == "received"
    rid = body["id"]

    r = post(office, f"/api/v1/requests/{rid}/answer", {"text": "已收到，网格员马上联系您"})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == "answered" and out["answered_at"] and out["minutes_to_answer"] == 0
    assert out["contact"] != "13912345678" and "*" in out["contact"]

    r = post(office, f"/api/v1/requests/{rid}/close", {"outcome": "药已送到"})
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["closed_at"]
    assert r.json()["minutes_to_close"] == 0
    r = post(office, f"/api/v1/requests/{rid}/close", {"outcome": "again"})
    assert r.status_code == 409

    r = office.get("/api/v1/requests?status=closed")
    assert r.status_code == 200 and [x["id"] for x in r.json()] == [rid]
    row = r.json()[0]
    assert {"received_at", "answered_at", "closed_at", "minutes_to_answer", "overdue"} <= set(row)
    assert "13912345678" not in r.content.decode()
    assert office.get("/api/v1/requests?overdue=1").json() == []


def test_api_overdue_filter(api_client, places, personas):
    services.request_receive(actor=personas["office"], community=places["home"], channel="in_person",
                             text="垃圾桶满了没人清", received_at=timezone.now() - timedelta(hours=5))
    rows = api_client("office").get("/api/v1/requests?overdue=1").json()
    assert len(rows) == 1 and rows[0]["overdue"] is True and rows[0]["answered_at"] is None


def test_api_refuses_bad_input(api_client):
    office = api_client("office")
    assert post(office, "/api/v1/requests", {"channel": "phone", "text": "短"}).status_code == 400
    assert post(office, "/api/v1/requests", {"channel": "pigeon", "text": "一条正常的请求"}).status_code in (400, 422)
    r = post(office, "/api/v1/requests", {"channel": "phone", "text": "一条正常的请求", "contact": "12345"})
    assert r.status_code == 400 and "contact" in r.content.decode()
    assert Request.objects.count() == 0


def test_api_scope_and_permissions(api_client, places, personas):
    req = services.request_receive(actor=personas["office"], community=places["home"], channel="phone",
                                   text="小区门口有人聚集")
    # another street's leader: 404, never the request
    assert post(api_client("outsider"), f"/api/v1/requests/{req.pk}/answer", {"text": "x"}).status_code == 404
    assert api_client("outsider").get("/api/v1/requests").json() == []
    assert api_client("outsider").get(f"/api/v1/requests/{req.pk}").status_code == 404
    r = post(api_client("outsider"), "/api/v1/requests", {"community": "C1", "channel": "phone", "text": "越权的请求"})
    assert r.status_code == 404
    # a guard: no permission at all
    assert api_client("guard").get("/api/v1/requests").status_code == 403
    r = post(api_client("guard"), "/api/v1/requests", {"channel": "phone", "text": "门卫记的请求"})
    assert r.status_code == 403
    # the street office holds no request permission (the lead's roles); a grid worker sees its grid's community
    assert api_client("street").get("/api/v1/requests").status_code == 403
    assert [r["id"] for r in api_client("grid1").get("/api/v1/requests").json()] == [req.pk]
    # the administrator (every community) names the community
    r = post(api_client("admin"), "/api/v1/requests", {"channel": "phone", "text": "区里转来的请求"})
    assert r.status_code == 400 and "community" in r.content.decode()
    r = post(api_client("admin"), "/api/v1/requests", {"community": "C2", "channel": "phone", "text": "区里转来的请求"})
    assert r.status_code == 201
