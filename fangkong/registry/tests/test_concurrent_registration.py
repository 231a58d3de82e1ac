"""Two desks register the same ID number at the same moment: exactly one person results.

The race: both pass the `exists()` check before either commits. The unique index on the blind
index decides, and the loser gets the same `id_number_taken` error as a plain duplicate.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from fangkong.core.errors import FieldError
from fangkong.registry.models import Person
from fangkong.registry.validation import person_data_from


@pytest.mark.django_db(transaction=True)
def test_same_id_number_registered_twice_at_once(personas, places):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (SQLite serialises writers)")
    from fangkong.registry.services import person_register

    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    data = person_data_from({"name": "并发", "id_number": "11010519491231002X"})
    real_exists = Person.objects.by_id_number

    def racing_check(number):
        qs = real_exists(number)
        exists = qs.exists()
        barrier.wait(timeout=10)  # both desks have checked before either inserts
        return Person.objects.none() if not exists else qs

    def desk():
        try:
            person_register(actor=personas["admin"], data=data, community=places["home"])
            outcomes.append("created")
        except FieldError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    Person.objects.by_id_number = racing_check  # type: ignore[method-assign]
    try:
        threads = [threading.Thread(target=desk) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        Person.objects.by_id_number = real_exists  # type: ignore[method-assign]
    assert sorted(outcomes) == ["created", "id_number_taken"]
    assert Person.objects.count() == 1
