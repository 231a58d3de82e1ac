"""The community records an outcome per row; `missed` needs the person registered first; the street assigns
a row that matched nowhere; each actor sees only their part."""

from __future__ import annotations

import pytest

from fangkong.accounts.models import AuditEntry
from fangkong.core.errors import Conflict, FieldError, NotFound, PermissionDenied
from fangkong.verification import selectors
from fangkong.verification.models import VerificationRow
from fangkong.verification.services import verification_outcome_record, verification_row_assign
from fangkong.verification.tests.helpers import stranger_id

pytestmark = pytest.mark.django_db


def row(pushed, number):
    return VerificationRow.objects.get(vlist=pushed["list"], number=number)


def test_an_outcome_is_recorded_with_who_and_when_and_audited(pushed, personas):
    r = verification_outcome_record(actor=personas["grid1"], row=row(pushed, 1), outcome="confirmed", note="上门核实")
    r.refresh_from_db()
    assert (r.outcome, r.note, r.outcome_by) == ("confirmed", "上门核实", personas["grid1"])
    assert r.outcome_at is not None
    entry = AuditEntry.objects.get(object_type="verification_row")
    assert (entry.action, entry.object_id, entry.community_id) == ("update", str(r.pk), r.community_id)


def test_the_latest_outcome_wins(pushed, personas):
    verification_outcome_record(actor=personas["grid1"], row=row(pushed, 1), outcome="confirmed")
    verification_outcome_record(actor=personas["office"], row=row(pushed, 1), outcome="not_here", note="已搬走")
    r = row(pushed, 1)
    assert (r.outcome, r.note, r.outcome_by) == ("not_here", "已搬走", personas["office"])
    assert AuditEntry.objects.filter(object_type="verification_row").count() == 2


def test_an_unknown_outcome_is_refused(pushed, personas):
    with pytest.raises(FieldError) as caught:
        verification_outcome_record(actor=personas["office"], row=row(pushed, 1), outcome="maybe")
    assert caught.value.code == "invalid_choice"
    assert row(pushed, 1).outcome == ""


def test_missed_needs_the_person_registered_in_the_community(pushed, personas, make_person, places):
    with pytest.raises(FieldError) as caught:
        verification_outcome_record(actor=personas["office"], row=row(pushed, 4), outcome="missed")
    assert (caught.value.field, caught.value.code) == ("outcome", "not_registered")
    assert row(pushed, 4).outcome == ""
    person = make_person(places["grid1"], name="赵六", id_number=stranger_id(11))
    verification_outcome_record(actor=personas["office"], row=row(pushed, 4), outcome="missed")
    r = row(pushed, 4)
    assert (r.outcome, r.person) == ("missed", person)


def test_missed_is_refused_for_someone_registered_in_another_community(pushed, personas, make_person, places):
    # Row 4 is C1's; the person registers in C2: not the community's missed resident.
    make_person(places["neighbour"].grids.get(), name="赵六", id_number=stranger_id(11))
    with pytest.raises(FieldError):
        verification_outcome_record(actor=personas["office"], row=row(pushed, 4), outcome="missed")


def test_other_communities_rows_are_not_found(pushed, personas):
    with pytest.raises(NotFound):
        verification_outcome_record(actor=personas["office"], row=row(pushed, 3), outcome="confirmed")  # C2's
    with pytest.raises(NotFound):
        verification_outcome_record(actor=personas["outsider"], row=row(pushed, 1), outcome="confirmed")
    with pytest.raises(NotFound):  # unmatched: still the street's
        verification_outcome_record(actor=personas["office"], row=row(pushed, 5), outcome="confirmed")
    with pytest.raises(PermissionDenied):  # the street office follows, it does not check
        verification_outcome_record(actor=personas["street"], row=row(pushed, 1), outcome="confirmed")
    assert not VerificationRow.objects.exclude(outcome="").exists()


def test_a_grid_worker_checks_the_rows_of_their_community(pushed, personas):
    # Decision (docs/verification.md): the whole community, the row of grid 2 included.
    verification_outcome_record(actor=personas["grid1"], row=row(pushed, 2), outcome="confirmed")
    assert row(pushed, 2).outcome == "confirmed"


def test_the_street_assigns_an_unmatched_row(pushed, personas, places):
    vlist = pushed["list"]
    assert vlist.unmatched == 1
    with pytest.raises(FieldError):
        verification_row_assign(actor=personas["street"], row=row(pushed, 5), community=places["far"])
    with pytest.raises(PermissionDenied):
        verification_row_assign(actor=personas["leader"], row=row(pushed, 5), community=places["home"])
    verification_row_assign(actor=personas["street"], row=row(pushed, 5), community=places["neighbour"])
    vlist.refresh_from_db()
    assert (row(pushed, 5).community, vlist.unmatched) == (places["neighbour"], 0)
    verification_outcome_record(actor=personas["office"], row=row(pushed, 1), outcome="confirmed")
    with pytest.raises(Conflict):  # checked already: it stays with its community
        verification_row_assign(actor=personas["street"], row=row(pushed, 1), community=places["neighbour"])


def test_each_actor_sees_their_part(pushed, personas, places):
    vlist = pushed["list"]
    office_rows = selectors.verification_rows(actor=personas["office"], vlist=vlist)
    assert [r.number for r in office_rows] == [1, 2, 4]
    assert [r.number for r in selectors.verification_rows(actor=personas["street"], vlist=vlist)] == [1, 2, 3, 4]
    assert [r.number for r in selectors.verification_unmatched(actor=personas["street"], vlist=vlist)] == [5]
    assert selectors.verification_unmatched(actor=personas["office"], vlist=vlist) == []
    with pytest.raises(NotFound):
        selectors.verification_list_get(actor=personas["outsider"], pk=vlist.pk)
    assert selectors.verification_lists(actor=personas["outsider"]).count() == 0


def test_counts_per_community_and_outcome(pushed, personas, places):
    verification_outcome_record(actor=personas["office"], row=row(pushed, 1), outcome="confirmed")
    verification_outcome_record(actor=personas["office"], row=row(pushed, 2), outcome="not_here")
    counts = {c.code: c for c in selectors.verification_list_counts(actor=personas["street"], vlist=pushed["list"])}
    assert set(counts) == {"C1", "C2", ""}
    assert (counts["C1"].rows, counts["C1"].open, counts["C1"].checked) == (3, 1, 2)
    assert counts["C1"].outcomes["confirmed"] == 1 and counts["C1"].outcomes["not_here"] == 1
    assert (counts["C2"].rows, counts["C2"].open) == (1, 1)
    assert counts[""].rows == 1
    office = selectors.verification_list_counts(actor=personas["office"], vlist=pushed["list"])
    assert [c.code for c in office] == ["C1"]
