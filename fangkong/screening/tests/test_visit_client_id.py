"""A visit's client_id is the worker's own: another worker's identical id is their own visit, never a
refusal or the first one's answer, so an id known in advance cannot swallow a visit."""

from __future__ import annotations

from fangkong.screening.models import Visit
from fangkong.screening.services import MemberCheck, visit_record


def _visit(personas, five_doors, key, who, client_id):
    return visit_record(actor=personas[who], rnd=five_doors["round"], household=five_doors["hh"][key],
                        outcome="seen", checks=[MemberCheck(person_id=five_doors["people"][key].id,
                                                            temperature="36.5")], client_id=client_id)


def test_an_id_taken_first_by_another_worker_does_not_swallow_the_visit(personas, five_doors):
    theirs = _visit(personas, five_doors, "d", "grid2", "phone-next")
    mine = _visit(personas, five_doors, "a", "grid1", "phone-next")
    assert mine.pk != theirs.pk and (mine.worker, mine.household) == (personas["grid1"], five_doors["hh"]["a"])
    assert Visit.objects.count() == 2


def test_another_workers_identical_id_at_the_same_door_is_their_visit(personas, five_doors):
    first = _visit(personas, five_doors, "a", "grid1", "same")
    second = _visit(personas, five_doors, "a", "office", "same")
    assert second.pk != first.pk and second.worker == personas["office"]
