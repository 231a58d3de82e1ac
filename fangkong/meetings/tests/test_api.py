"""The meetings API as a client writes it: the contract's shapes, scope, who may write."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from fangkong.core.dates import local_today
from fangkong.meetings.models import ActionItem, Briefing

pytestmark = pytest.mark.django_db


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def day():
    return local_today() - timedelta(days=1)


def test_briefings_of_a_day_generated_once(api_client, places, day):
    leader = api_client("leader")
    r = leader.get(f"/api/v1/briefings?community=C1&date={day}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [b["kind"] for b in body] == ["morning", "evening"]
    first = body[0]
    assert set(first) >= {"id", "kind", "period_start", "period_end", "facts", "actions"}
    assert first["actions"] == [] and isinstance(first["facts"]["scans_in"], int)
    assert first["period_end"] == body[1]["period_start"]
    again = leader.get(f"/api/v1/briefings?community=C1&date={day}").json()
    assert [b["id"] for b in again] == [b["id"] for b in body]
    assert Briefing.objects.count() == 2


def test_today_by_default_and_future_refused(api_client, places):
    leader = api_client("leader")
    r = leader.get("/api/v1/briefings?community=C1")
    assert r.status_code == 200 and r.json()[0]["date"] == str(local_today())
    r = leader.get(f"/api/v1/briefings?community=C1&date={local_today() + timedelta(days=1)}")
    assert r.status_code == 400 and "in_future" in r.content.decode()


def test_scope(api_client, places, day):
    assert api_client("outsider").get(f"/api/v1/briefings?community=C1&date={day}").status_code == 404
    assert api_client("street").get(f"/api/v1/briefings?community=C1&date={day}").status_code == 200
    assert api_client("grid1").get(f"/api/v1/briefings?community=C1&date={day}").status_code == 200
    assert api_client("street").get(f"/api/v1/briefings?community=C9&date={day}").status_code == 404
    assert api_client("guard").get(f"/api/v1/briefings?community=C1&date={day}").status_code == 403


def test_actions_add_list_done(api_client, places, personas, day):
    leader = api_client("leader")
    briefing_id = leader.get(f"/api/v1/briefings?community=C1&date={day}").json()[0]["id"]
    r = post(leader, f"/api/v1/briefings/{briefing_id}/actions",
             {"text": "东门加派一名志愿者", "owner": "grid1", "due": str(day)})
    assert r.status_code == 201, r.content
    action = r.json()
    assert action == {"id": action["id"], "done": False, "text": "东门加派一名志愿者", "owner": "grid1",
                      "due": str(day)}
    r = post(leader, f"/api/v1/briefings/{briefing_id}/actions", {"text": "打印告居民书"})
    assert r.status_code == 201 and r.json()["owner"] is None and r.json()["due"] is None

    r = api_client("grid1").get("/api/v1/actions?open=1")
    assert r.status_code == 200, r.content
    listed = r.json()
    assert listed[0]["id"] == action["id"]  # the caller's own first
    assert listed[0] == {**action, "community": "C1", "briefing": briefing_id, "meeting": None,
                              "overdue": day < local_today()}
    assert api_client("outsider").get("/api/v1/actions?open=1").json() == []

    # The owner may tick their own action; the street office may not write
    assert post(api_client("street"), f"/api/v1/actions/{action['id']}/done").status_code == 403
    r = post(api_client("grid1"), f"/api/v1/actions/{action['id']}/done")
    assert r.status_code == 200 and r.json()["done"] is True
    assert ActionItem.objects.get(pk=action["id"]).done_by == personas["grid1"]
    assert action["id"] in [a["id"] for a in leader.get("/api/v1/actions?open=0").json()]
    assert action["id"] not in [a["id"] for a in leader.get("/api/v1/actions?open=1").json()]
    shown = leader.get(f"/api/v1/briefings?community=C1&date={day}").json()[0]["actions"]
    assert {a["id"]: a["done"] for a in shown}[action["id"]] is True


def test_action_validation_and_who_may_write(api_client, places, day):
    leader = api_client("leader")
    briefing_id = leader.get(f"/api/v1/briefings?community=C1&date={day}").json()[0]["id"]
    path = f"/api/v1/briefings/{briefing_id}/actions"
    r = post(leader, path, {"text": "x", "owner": "outsider"})  # not of this community
    assert r.status_code == 400 and "unknown_owner" in r.content.decode()
    assert post(leader, path, {"text": "   "}).status_code == 400
    assert post(leader, path, {"text": "x", "due": "1900-01-01"}).status_code in (400, 422)
    assert post(api_client("street"), path, {"text": "x"}).status_code == 403
    assert post(api_client("grid1"), path, {"text": "x"}).status_code == 403
    assert post(api_client("outsider"), path, {"text": "x"}).status_code == 404
    other = ActionItem.objects.create(community=places["home"], text="y")
    assert post(api_client("grid2"), f"/api/v1/actions/{other.pk}/done").status_code == 403  # not the owner
    assert post(api_client("outsider"), f"/api/v1/actions/{other.pk}/done").status_code == 404
    assert ActionItem.objects.filter(briefing_id=briefing_id).count() == 0


def test_meetings_and_plans_endpoints(api_client, places, personas):
    from django.utils import timezone

    from fangkong.meetings.services import meeting_create, plan_version_add

    meeting_create(actor=personas["leader"], community=places["home"], kind="other", title="部署会",
                   held_at=timezone.now() - timedelta(hours=2))
    plan_version_add(actor=personas["leader"], community=places["home"], kind="work", body="方案")
    r = api_client("street").get("/api/v1/meetings")
    assert r.status_code == 200 and [m["title"] for m in r.json()] == ["部署会"]
    assert api_client("outsider").get("/api/v1/meetings").json() == []
    r = api_client("office").get("/api/v1/plans?community=C1")
    assert r.status_code == 200 and r.json()[0]["version"] == 1 and r.json()[0]["kind"] == "work"
    assert api_client("outsider").get("/api/v1/plans?community=C1").status_code == 404
