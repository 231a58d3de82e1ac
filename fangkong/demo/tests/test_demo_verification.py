"""The demo pushed-down list (demo/verification.py): ~20 rows, most routed by ID number, two by address,
three unmatched, half the community's rows checked. Here rather than in verification/tests: an app below
the demo layer may not import it."""

from __future__ import annotations

from fangkong.verification.models import VerificationList, VerificationRow


def test_demo_list(demo):
    vlist = VerificationList.objects.get()
    rows = VerificationRow.objects.filter(vlist=vlist)
    assert (vlist.rows, vlist.unmatched, vlist.uploaded_by.username) == (20, 3, "street")
    assert rows.filter(routed_by="id_number", community=demo).count() == 15
    assert rows.filter(routed_by="address", community=demo).count() == 2
    assert rows.exclude(outcome="").count() == 17 // 2
    assert set(rows.exclude(outcome="").values_list("outcome", flat=True)) >= {"confirmed", "not_here", "missed"}
