"""Issuing a gate device's token is audited: one entry naming the guard, the device and the gate, and never
the token (nor a prefix of it)."""

from __future__ import annotations

import json

from django.forms.models import model_to_dict
from django.urls import reverse

from fangkong.accounts.models import AuditEntry

DEVICE = "0b7c1e5a-1111-4c2e-9d1a-2f3e4d5c6b7a"


def test_issuing_a_device_token_writes_one_audit_entry_without_the_token(personas, gates, login):
    guard = personas["guard"]
    before = AuditEntry.objects.count()
    r = login("guard").post(reverse("gates:device_token", args=["east"]), {"device": DEVICE})
    assert r.status_code == 200
    token = r.json()["token"]

    (entry,) = AuditEntry.objects.order_by("id")[before:]
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (guard, "create", "user", str(guard.pk))
    assert entry.community_id == gates["east"].community_id
    assert set(entry.fields) == {"api_token", f"device:{DEVICE}", "gate:east"}
    stored = json.dumps(model_to_dict(entry), default=str, ensure_ascii=False)
    assert token not in stored and token[3:11] not in stored  # no token, nor a prefix of its secret part


def test_a_refused_device_id_writes_no_entry(personas, gates, login):
    before = AuditEntry.objects.count()
    r = login("guard").post(reverse("gates:device_token", args=["east"]), {"device": "not a uuid!"})
    assert r.status_code == 400
    assert AuditEntry.objects.count() == before
