"""The volunteers' API: masked list, accept, decline with a reason; 403 without the permission, 404 outside
the scope."""

from __future__ import annotations

import pytest

from fangkong.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_list_is_masked_and_scoped(places, signed_up, api_client):
    mine, far = signed_up(), signed_up(places["far"])
    r = api_client("office").get("/api/v1/volunteers?status=pending")
    assert r.status_code == 200
    rows = r.json()
    assert [x["id"] for x in rows] == [mine.pk]
    assert rows[0]["phone_masked"] == mine.phone_masked and mine.phone not in r.content.decode()
    assert mine.id_number not in r.content.decode()
    assert far.pk in [x["id"] for x in api_client("outsider").get("/api/v1/volunteers").json()]


def test_accept_and_decline(signed_up, api_client):
    a, b = signed_up(), signed_up()
    c = api_client("office")
    r = c.post(f"/api/v1/volunteers/{a.pk}/accept", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert c.post(f"/api/v1/volunteers/{a.pk}/accept", content_type="application/json").status_code == 409
    empty = c.post(f"/api/v1/volunteers/{b.pk}/decline", {"reason": ""}, content_type="application/json")
    assert empty.status_code in (400, 422)
    r = c.post(f"/api/v1/volunteers/{b.pk}/decline", {"reason": "不符合"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["decline_reason"] == "不符合"


def test_refusals(places, signed_up, api_client):
    far = signed_up(places["far"])
    mine = signed_up()
    assert api_client("office").post(f"/api/v1/volunteers/{far.pk}/accept").status_code == 404
    assert api_client("grid1").post(f"/api/v1/volunteers/{mine.pk}/accept").status_code == 403
    assert Volunteer.objects.filter(status="pending").count() == 2
