"""50 exit scans of one temporary pass at once, over 4 gates: exactly one goes out.

Real threads with their own PostgreSQL connections, released together by a barrier. The claim is
one conditional upsert on (pass, day); PostgreSQL makes the losers wait on the row and re-check.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from fangkong.gates.models import Gate, Scan
from fangkong.gates.scanning import ScanRequest, scan_record
from fangkong.passes.services import pass_issue, pass_revoke


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_exits_allow_exactly_one(personas, places, make_person):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    home = places["home"]
    codes = [f"g{i}" for i in range(4)]
    for code in codes:
        Gate.objects.create(community=home, code=code, name=code)
    tenant = make_person(places["grid1"], category="floating")
    p = pass_issue(actor=personas["office"], person=tenant, kind="temporary", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 1, 1))
    number, id_number, guard = p.number, tenant.id_number, personas["guard"]
    barrier = threading.Barrier(50)
    decisions: list[str] = []
    errors: list[BaseException] = []

    def gate_worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            out = scan_record(actor=guard, req=ScanRequest(gate=codes[i % 4], direction="out", code=number,
                                                           id_number=id_number))
            decisions.append(out.decision)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=gate_worker, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    assert sorted(decisions).count("allow") == 1 and len(decisions) == 50
    assert Scan.objects.filter(decision="allow").count() == 1
    assert Scan.objects.filter(reasons=["exit_quota_reached"]).count() == 49


@pytest.mark.django_db(transaction=True)
def test_revocation_is_seen_by_the_next_scan_at_another_gate(personas, places, make_person):
    home = places["home"]
    Gate.objects.create(community=home, code="a", name="a")
    Gate.objects.create(community=home, code="b", name="b")
    tenant = make_person(places["grid1"], category="floating")
    p = pass_issue(actor=personas["office"], person=tenant, kind="resident", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 1, 1))

    def at(gate):
        return scan_record(actor=personas["guard"], req=ScanRequest(gate=gate, direction="out", code=p.number))

    assert at("a").decision == "allow"
    done = threading.Event()

    def revoke_elsewhere():
        try:
            pass_revoke(actor=personas["leader"], number=p.number, reason="伪造通行证")
        finally:
            connections.close_all()
            done.set()

    threading.Thread(target=revoke_elsewhere).start()
    assert done.wait(30)
    assert at("b").reasons == ["pass_revoked"]
