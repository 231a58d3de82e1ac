"""A gate device's token, its status reports and the office's list of devices; the service worker and
the manifest, served to anyone."""

from __future__ import annotations

import json
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import ApiToken
from fangkong.gates.models import GateDevice
from fangkong.gates.offline_version import app_version, precache_urls

DEVICE = "0b7c1e5a-1111-4c2e-9d1a-2f3e4d5c6b7a"


def csrf_client(personas, who="guard") -> tuple[Client, str]:
    c = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(personas[who])
    c.get(reverse("gates:index"))
    return c, c.cookies["csrftoken"].value


def test_device_token_one_active_per_guard_and_device(personas, gates):
    c, csrf = csrf_client(personas)
    url = reverse("gates:device_token", args=["east"])
    assert c.post(url, {"device": DEVICE}).status_code == 403  # no CSRF header: refused
    first = c.post(url, json.dumps({"device": DEVICE}), content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert first.status_code == 200 and first["Cache-Control"] == "no-store"
    data = first.json()
    assert data["device"] == DEVICE and data["gate"] == "east" and data["token"].startswith("fk_")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {data['token']}")
    assert api.get("/api/v1/gates/east/sync?since=0").status_code == 200
    second = c.post(url, {"device": DEVICE}, HTTP_X_CSRFTOKEN=csrf).json()
    assert api.get("/api/v1/gates/east/sync?since=0").status_code == 401  # the first one revoked
    assert Client(HTTP_AUTHORIZATION=f"Bearer {second['token']}").get("/api/v1/gates").status_code == 200
    other = c.post(url, {"device": "9c7c1e5a-2222-4c2e-9d1a-2f3e4d5c6b7a"}, HTTP_X_CSRFTOKEN=csrf)
    assert other.status_code == 200
    assert ApiToken.objects.filter(user=personas["guard"], revoked_at__isnull=True).count() == 2
    assert c.post(url, {"device": "not a uuid!"}, HTTP_X_CSRFTOKEN=csrf).status_code == 400


def test_device_token_needs_the_gate_in_scope_and_the_scan_permission(personas, gates, login):
    url = reverse("gates:device_token", args=["east"])
    assert login("outsider").post(url, {"device": DEVICE}).status_code == 404
    assert login("office").post(url, {"device": DEVICE}).status_code == 403
    assert Client().post(url, {"device": DEVICE}).status_code == 302  # to the login page
    assert not ApiToken.objects.filter(name__startswith="gate device").exists()


def report(client, **kw):
    body = {"device": DEVICE, "app_version": app_version(), "queue": 3, "offline_minutes_today": 12,
            "last_sync_at": (timezone.now() - timedelta(minutes=4)).isoformat(), "epoch": "2026-12-03.1a2b3c4d", **kw}
    return client.post("/api/v1/gates/east/devices/status", body, content_type="application/json")


def test_devices_report_and_the_office_lists_them(api_client, login, personas, gates):
    guard = api_client("guard")
    r = report(guard)
    assert r.status_code == 200 and r.json() == {"ok": True}
    assert report(guard, queue=0, offline_minutes_today=15).status_code == 200
    row = GateDevice.objects.get()
    assert (row.queue, row.offline_minutes, row.gate.code, row.guard, row.offline_day) == (
        0, 15, "east", personas["guard"], timezone.localdate())
    html = login("office").get(reverse("gates:devices")).content.decode()
    assert app_version() in html and "guard" in html and DEVICE[:8] in html
    assert login("guard").get(reverse("gates:devices")).status_code == 403
    assert DEVICE[:8] not in login("outsider").get(reverse("gates:devices")).content.decode()
    assert report(api_client("outsider")).status_code == 403
    assert report(guard, device="x y").status_code == 400


def test_offline_minutes_of_an_earlier_day_are_not_todays(api_client, personas, gates):
    from fangkong.gates.devices import device_list

    report(api_client("guard"))
    GateDevice.objects.update(offline_day=timezone.localdate() - timedelta(days=1))
    assert [d.offline_minutes_today for d in device_list(actor=personas["office"])] == [0]


def test_service_worker_and_manifest_served_to_anyone(db):
    sw = Client().get(reverse("gates:service_worker"))
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert sw["Cache-Control"] == "no-cache" and sw["Service-Worker-Allowed"] == reverse("gates:index")
    body = sw.content.decode()
    escaped = app_version().replace("-", "\\u002D")  # the template writes it through escapejs
    assert escaped in body and "/static/gates/console.js" in body
    m = Client().get(reverse("gates:manifest"))
    assert m.status_code == 200 and m["Content-Type"].startswith("application/manifest+json")
    assert json.loads(m.content)["start_url"] == reverse("gates:index")
    assert Client().post(reverse("gates:service_worker")).status_code == 405


def test_the_version_changes_with_the_offline_files(settings, tmp_path, monkeypatch):
    from fangkong.gates import offline_version

    (tmp_path / "gates").mkdir()
    (tmp_path / "gates" / "console.js").write_text("one")
    monkeypatch.setattr(offline_version, "STATIC", tmp_path)
    offline_version.app_version.cache_clear()
    offline_version.precache_urls.cache_clear()
    try:
        first = offline_version.app_version()
        (tmp_path / "gates" / "console.js").write_text("two")
        offline_version.app_version.cache_clear()
        assert offline_version.app_version() != first and first.startswith("0.")
        assert "/static/gates/console.js" in offline_version.precache_urls()
    finally:
        offline_version.app_version.cache_clear()
        offline_version.precache_urls.cache_clear()


def test_precache_lists_the_console_and_its_libraries():
    urls = precache_urls()
    assert "/static/gates/console.js" in urls and "/static/vendor/idb/index.js" in urls
    assert not any(u.endswith("LICENSE") for u in urls) and "/static/gates/roster.css" not in urls


def test_the_console_page_gets_the_app_version(login, gates):
    r = login("guard").get(reverse("gates:console", args=["east"]))
    assert r.status_code == 200 and r.context["app_version"] == app_version()
