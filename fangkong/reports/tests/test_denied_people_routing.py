"""The report's raw count of people refused at a gate reads where the ORM reads scans: with reads of scans
routed elsewhere (a replica, core/replica.py), its cursor is that alias's, not always the primary's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from fangkong.gates.models import Gate, Scan
from fangkong.reports import figures

pytestmark = pytest.mark.django_db


class ScansElsewhere:
    """Reads of scans go to the `elsewhere` alias; everything else is left to the default."""

    def db_for_read(self, model, **hints):
        return "elsewhere" if model is Scan else None


class Recorded:
    """`connections` as the figures module sees it: which aliases it asks for, each served by the test
    database (the only one there is)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __getitem__(self, alias: str):
        self.asked.append(alias)
        return connections[DEFAULT_DB_ALIAS]


def test_denied_people_reads_where_scans_are_routed(places, make_person, settings, monkeypatch):
    person = make_person(places["grid1"])
    gate = Gate.objects.create(community=places["home"], code="east", name="东门")
    now = timezone.now()
    for _ in range(2):  # one person refused twice counts once
        Scan.objects.create(community_id=gate.community_id, gate=gate, person=person, at=now, direction="in",
                            decision="deny", reasons=["banned"])
    settings.DATABASE_ROUTERS = [f"{__name__}.ScansElsewhere"]
    recorded = Recorded()
    monkeypatch.setattr(figures, "connections", recorded)

    counts = figures._denied_people([places["home"].id], now - timedelta(hours=1), now + timedelta(hours=1))

    assert counts == {places["home"].id: 1}
    assert recorded.asked == ["elsewhere"]
