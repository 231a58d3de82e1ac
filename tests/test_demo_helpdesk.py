"""The helpdesk demo, made through the real services on the root fixtures' places."""

from __future__ import annotations

import pytest

from fangkong.demo.helpdesk import load_helpdesk_demo
from fangkong.helpdesk.models import Request
from fangkong.helpdesk.selectors import request_list, requests_overdue

pytestmark = pytest.mark.django_db


def test_helpdesk_demo(places, personas):
    home, admin = places["home"], personas["admin"]
    counts = load_helpdesk_demo(admin=admin, community=home)
    rows = Request.objects.filter(community=home)
    assert rows.count() == counts["requests"] >= 20
    assert requests_overdue(community_ids=[home.pk]) == 1
    closed = rows.filter(status="closed")
    assert closed.count() == counts["closed"] > 0
    assert all(r.received_at <= r.answered_at <= r.handled_at <= r.closed_at for r in closed)
    listed = request_list(actor=personas["office"])
    on_time = [r for r in listed if r.answered_at and not r.late]
    late = [r for r in listed if r.late]
    assert len(on_time) > len(late) > 0  # most on time, a few late
    assert {r.channel for r in rows} == {"phone", "chat", "in_person", "public"}
