"""20 desks issue the last 5 boxes at once: exactly 5 issues succeed and the stock ends at exactly 0.

Real threads with their own PostgreSQL connections, released together by a barrier."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from fangkong.core.errors import Conflict
from fangkong.supplies import services
from fangkong.supplies.models import Movement, Stock


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_issues_of_the_last_five_boxes(places, personas, items):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    home, office, item = places["home"], personas["office"], items["duty_food"]
    services.movement_record(actor=office, community=home, item=item, quantity=5, direction="in",
                             reason="purchase")
    n = 20
    barrier = threading.Barrier(n)
    issued: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def issue() -> None:
        try:
            barrier.wait(timeout=30)
            issued.append(services.movement_record(actor=office, community=home, item=item, quantity=1,
                                                   direction="out", reason="gate").stock_after)
        except Conflict as exc:
            refused.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    assert sorted(issued) == [0, 1, 2, 3, 4]
    assert refused == ["insufficient_stock"] * (n - 5)
    assert Stock.objects.get(community=home, item=item).quantity == 0
    assert Movement.objects.filter(item=item, direction="out").count() == 5
