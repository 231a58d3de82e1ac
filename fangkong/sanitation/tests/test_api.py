"""API of sanitation: shapes, permissions, scope (404 outside), future times refused."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from fangkong.sanitation.models import Area, Disinfection, Patrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(places):
    now = timezone.now()
    late = Area.objects.create(community=places["home"], kind="lift", name="1号楼电梯", every=4, unit="hours",
                               created_at=now - timedelta(days=1))
    fresh = Area.objects.create(community=places["home"], kind="square", name="广场", every=1, unit="days",
                                created_at=now - timedelta(hours=1))
    far = Area.objects.create(community=places["far"], kind="gate", name="北门", every=1, unit="days",
                              created_at=now - timedelta(days=3))
    return {"late": late, "fresh": fresh, "far": far}


def _post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def test_area_list_shape_scope_and_overdue_filter(api_client, areas):
    rows = api_client("office").get("/api/v1/sanitation/areas").json()
    assert [r["name"] for r in rows] == ["1号楼电梯", "广场"]  # overdue first; C9's area not shown
    assert rows[0]["overdue"] is True and rows[0]["last_at"] is None and rows[0]["unit"] == "hours"
    assert set(rows[0]) == {"id", "community", "kind", "name", "building", "every", "unit", "last_at", "due_at",
                            "overdue", "agent", "dilution"}
    only = api_client("office").get("/api/v1/sanitation/areas?overdue=1").json()
    assert [r["id"] for r in only] == [areas["late"].id]
    assert api_client("office").get("/api/v1/sanitation/areas?community=C9").status_code == 404
    assert len(api_client("street").get("/api/v1/sanitation/areas?community=C1").json()) == 2
    assert api_client("admin").get("/api/v1/sanitation/areas?community=C9").json()[0]["name"] == "北门"


def test_disinfection_logged_and_remembered(api_client, areas):
    url = f"/api/v1/sanitation/areas/{areas['late'].id}/disinfections"
    r = _post(api_client("guard"), url, {"agent": "84消毒液", "dilution": "1:100"})
    assert r.status_code == 201, r.content
    assert r.json()["agent"] == "84消毒液" and r.json()["area"] == areas["late"].id
    area = api_client("office").get("/api/v1/sanitation/areas").json()
    late = next(a for a in area if a["id"] == areas["late"].id)
    assert late["overdue"] is False and late["agent"] == "84消毒液" and late["dilution"] == "1:100"
    assert Disinfection.objects.get().by.username == "guard"


def test_disinfection_refusals(api_client, areas):
    url = f"/api/v1/sanitation/areas/{areas['late'].id}/disinfections"
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    r = _post(api_client("office"), url, {"agent": "84消毒液", "at": future})
    assert r.status_code == 400 and r.json()["code"] in {"in_future", "validation_error", "invalid"}
    assert _post(api_client("street"), url, {"agent": "x"}).status_code == 403  # may view, may not log
    assert _post(api_client("outsider"), url, {"agent": "x"}).status_code == 404
    assert _post(api_client("office"), "/api/v1/sanitation/areas/999999/disinfections",
                 {"agent": "x"}).status_code == 404
    assert Disinfection.objects.count() == 0


def test_patrol_create(api_client, areas):
    start = timezone.now() - timedelta(hours=2)
    body = {"kind": "fire_watch", "route": "后山防火道", "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=1)).isoformat(), "findings": "劝返2人", "people_turned_back": 2}
    r = _post(api_client("office"), "/api/v1/patrols", body)
    assert r.status_code == 201, r.content
    assert r.json()["community"] == "C1" and r.json()["people_turned_back"] == 2
    assert _post(api_client("outsider"), "/api/v1/patrols", {**body, "community": "C1"}).status_code == 404
    assert _post(api_client("street"), "/api/v1/patrols", {**body, "community": "C1"}).status_code == 403
    later = {**body, "started_at": (timezone.now() + timedelta(hours=1)).isoformat(), "ended_at": None}
    assert _post(api_client("office"), "/api/v1/patrols", later).status_code == 400
    backwards = {**body, "ended_at": (start - timedelta(hours=1)).isoformat()}
    assert _post(api_client("office"), "/api/v1/patrols", backwards).json()["code"] == "ends_before_start"
    other_area = {**body, "area": areas["far"].id}
    assert _post(api_client("office"), "/api/v1/patrols", other_area).json()["code"] == "unknown_area"
    assert Patrol.objects.count() == 1


def test_grid_worker_sees_and_logs_in_their_community(api_client, areas):
    rows = api_client("grid1").get("/api/v1/sanitation/areas").json()
    assert {r["id"] for r in rows} == {areas["late"].id, areas["fresh"].id}
    url = f"/api/v1/sanitation/areas/{areas['fresh'].id}/disinfections"
    assert _post(api_client("grid1"), url, {"agent": "84消毒液"}).status_code == 201
