"""The demo pushed-down list (demo/verification.py): ~20 rows, most routed by ID number, two by address,
three unmatched, half the community's rows checked. Here rather than in verification/tests: an app below
the demo layer may not import it."""

from __future__ import annotations

import pytest

from fangkong.demo.verification import load_verification_demo
from fangkong.verification.models import VerificationList, VerificationRow

pytestmark = pytest.mark.django_db


def test_demo_list(places, personas, make_person):
    for n in range(16):
        make_person(places["grid1" if n % 2 else "grid2"], name=f"居民{n}", phone=f"1380000{n:04d}")
    load_verification_demo(admin=personas["admin"], community=places["home"])
    vlist = VerificationList.objects.get()
    rows = VerificationRow.objects.filter(vlist=vlist)
    assert (vlist.rows, vlist.unmatched, vlist.uploaded_by) == (20, 3, personas["street"])
    assert rows.filter(routed_by="id_number", community=places["home"]).count() == 15
    assert rows.filter(routed_by="address", community=places["home"]).count() == 2
    assert rows.exclude(outcome="").count() == 17 // 2
    assert set(rows.exclude(outcome="").values_list("outcome", flat=True)) >= {"confirmed", "not_here", "missed"}
