"""Races on PostgreSQL: two desks starting one person's observation, and sweeps running in many processes."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from django.db import connection, connections
from django.utils import timezone

from fangkong.core.errors import FieldError
from fangkong.observation.models import Alert, Observation
from fangkong.observation.services import missed_followups_sweep, observation_start


def _race(n: int, fn) -> tuple[list, list[BaseException]]:
    barrier = threading.Barrier(n)
    results: list = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(fn())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_make_one_observation(postgres_only, personas, places, make_person):
    person = make_person(places["grid1"])
    office = personas["office"]
    results, errors = _race(8, lambda: observation_start(actor=office, person=person, kind="home",
                                                         start=timezone.localdate()))
    assert len(results) == 1
    assert len(errors) == 7 and all(isinstance(e, FieldError) and e.code == "already_under_observation"
                                    for e in errors)
    assert Observation.objects.filter(person=person, status="active").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_raise_each_missed_slot_once(postgres_only, personas, places, make_person):
    day = date(2026, 3, 2)
    for _ in range(3):
        obs = observation_start(actor=personas["office"], person=make_person(places["grid1"]), kind="home", start=day)
        Observation.objects.filter(pk=obs.pk).update(opened_at=timezone.make_aware(datetime(2026, 3, 2, 7)))
    now = timezone.make_aware(datetime(2026, 3, 4, 23))
    _results, errors = _race(6, lambda: missed_followups_sweep(now=now))
    assert errors == []
    assert Alert.objects.filter(kind="missed_followup").count() == 3 * 6  # 3 people × 3 days × 2 slots
