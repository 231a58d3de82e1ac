"""The dossier dates a gate scan when it happened (the device's time of an offline scan), not when the
server recorded it, and shows the time of day."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from fangkong.gates.models import Scan
from fangkong.gates.scanning import ScanRequest, scan_record
from fangkong.registry.timeline import timeline

SH = ZoneInfo("Asia/Shanghai")


def _scan_in(personas, p, *, when=None, client_id=None):
    return scan_record(actor=personas["guard"], req=ScanRequest(
        gate="east", direction="in", code=p.number, id_number=p.person.id_number, temperature=Decimal("36.5"),
        scanned_at=when, client_id=client_id))


def _offline_days(n: int) -> list[datetime]:
    today = timezone.localdate()
    return [datetime.combine(today - timedelta(days=d), datetime.min.time(), SH).replace(hour=7 + d, minute=10 + d)
            for d in range(n, 0, -1)]


def test_scans_synced_later_appear_when_they_happened(personas, temp_pass):
    _scan_in(personas, temp_pass)  # at the gate now, online
    days = _offline_days(3)  # three days of an offline device, synced now (recorded after the first)
    for i, when in enumerate(days):
        _scan_in(personas, temp_pass, when=when, client_id=f"off-{i}")
    assert all(timezone.now() - s.at < timedelta(minutes=5) for s in Scan.objects.all())  # all recorded now

    events = [e for e in timeline(temp_pass.person, reader=personas["office"]) if e.kind == "scan"]
    assert len(events) == 4
    # Newest first, by when they happened: today's online scan, then the offline ones day by day.
    assert [timezone.localtime(e.when) for e in events[1:]] == list(reversed(days))
    assert timezone.localdate(events[0].when) == timezone.localdate()


def test_the_dossier_page_shows_each_scan_at_its_day_and_time(personas, temp_pass, login):
    days = _offline_days(2)
    for i, when in enumerate(days):
        _scan_in(personas, temp_pass, when=when, client_id=f"off-{i}")
    html = login("office").get(reverse("registry:person_detail", args=[temp_pass.person.pk])).content.decode()
    shown = re.findall(r'<li class="event-scan"><time datetime="[^"]+">([^<]+)</time>', html)
    assert shown == [f"{d:%Y-%m-%d %H:%M}" for d in reversed(days)]
    assert timezone.localdate().isoformat() not in " ".join(shown)
