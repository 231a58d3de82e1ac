"""Coverage arithmetic of a screening round, visits with people found on the spot, and scoping."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import id_check_char
from fangkong.registry.models import Person
from fangkong.registry.services import person_move
from fangkong.registry.validation import ValidationErrors, person_data_from
from fangkong.screening.models import TravelRecord, Visit, VisitPerson
from fangkong.screening.selectors import daily_changes, round_coverage
from fangkong.screening.services import MemberCheck, NewPerson, round_close, round_create, visit_record


def _id(n: int) -> str:
    first17 = f"42010219850{n % 9 + 1}15{n:04d}"[:17]
    return first17 + id_check_char(first17)


def _visit(personas, five_doors, key, outcome, who="grid1", **kw):
    hh = five_doors["hh"][key]
    checks = [MemberCheck(person_id=five_doors["people"][key].id, temperature="36.5")] if outcome == "seen" else []
    return visit_record(actor=personas[who], rnd=five_doors["round"], household=hh, outcome=outcome,
                        checks=kw.pop("checks", checks), **kw)


def test_an_empty_flat_is_not_a_household_to_screen(personas, five_doors):
    c = round_coverage(actor=personas["office"], rnd=five_doors["round"])
    assert (c.total.households_total, c.total.seen, c.total.unreachable, c.total.remaining) == (5, 0, 0, 5)
    assert five_doors["hh"]["empty"].id not in {h.id for h in c.households}


def test_a_household_visited_twice_counts_once_and_seen_wins(personas, five_doors):
    _visit(personas, five_doors, "a", "nobody_home")
    _visit(personas, five_doors, "a", "seen")
    _visit(personas, five_doors, "a", "nobody_home")  # a later call finding nobody does not undo "seen"
    c = round_coverage(actor=personas["office"], rnd=five_doors["round"])
    assert (c.total.households_total, c.total.seen, c.total.unreachable, c.total.remaining) == (5, 1, 0, 4)
    assert five_doors["hh"]["a"].id not in {h.id for h in c.remaining_households}


def test_a_refused_visit_is_unreachable_not_remaining(personas, five_doors):
    _visit(personas, five_doors, "b", "refused")
    _visit(personas, five_doors, "c", "nobody_home")
    c = round_coverage(actor=personas["office"], rnd=five_doors["round"])
    assert (c.total.unreachable, c.total.refused, c.total.remaining) == (2, 1, 3)
    assert {h.id for h in c.unreachable_households} == {five_doors["hh"]["b"].id, five_doors["hh"]["c"].id}
    assert five_doors["people"]["b"] in c.people_never_seen


def test_a_person_moving_between_grids_mid_round_stays_seen(personas, five_doors):
    _visit(personas, five_doors, "a", "seen")
    mover = five_doors["people"]["a"]
    person_move(actor=personas["office"], person=mover, household=five_doors["hh"]["d"], relation="relative")
    c = round_coverage(actor=personas["office"], rnd=five_doors["round"])
    assert mover not in c.people_never_seen
    grid2 = dict((g.number, t) for g, t in c.by_grid)[2]
    assert (grid2.people_total, grid2.people_seen) == (3, 1)  # d's member, e's member, and the mover
    # Household a is empty now: it no longer counts; d is still to be visited.
    assert c.total.households_total == 4 and c.total.seen == 0
    assert five_doors["hh"]["d"].id in {h.id for h in c.remaining_households}


def test_per_grid_and_per_worker_tallies_add_up(personas, five_doors):
    _visit(personas, five_doors, "a", "seen")
    _visit(personas, five_doors, "d", "refused", who="grid2")
    c = round_coverage(actor=personas["office"], rnd=five_doors["round"])
    by_grid = {g.number: t for g, t in c.by_grid}
    assert (by_grid[1].households_total, by_grid[1].seen, by_grid[1].remaining) == (3, 1, 2)
    assert (by_grid[2].households_total, by_grid[2].unreachable, by_grid[2].remaining) == (2, 1, 1)
    assert sum(t.households_total for _w, t in c.by_worker) == c.total.households_total


def test_a_grid_worker_sees_and_visits_only_their_grid(personas, five_doors):
    c = round_coverage(actor=personas["grid1"], rnd=five_doors["round"])
    assert c.total.households_total == 3
    assert {h.id for h in c.households} == {five_doors["hh"][k].id for k in "abc"}
    with pytest.raises(NotFound):
        _visit(personas, five_doors, "d", "seen", who="grid1")
    assert not Visit.objects.exists()


def test_a_new_tenant_is_added_on_the_spot(personas, five_doors):
    hh = five_doors["hh"]["e"]
    new = NewPerson(data=person_data_from({"name": "新租户", "id_number": _id(7), "category": "tenant"}),
                    check=MemberCheck(person_id=0, temperature="36.8", key_area_travel=True,
                                      travel_place="湖北省武汉市",
                                      returned_on=timezone.localdate() - timedelta(days=3)))
    visit = visit_record(actor=personas["grid2"], rnd=five_doors["round"], household=hh, outcome="seen",
                         checks=[MemberCheck(person_id=five_doors["people"]["e"].id, temperature="36.4")],
                         new_people=[new], handouts=["notice", "lantern"])
    added = VisitPerson.objects.get(visit=visit, added_on_spot=True).person
    assert added.household_id == hh.id and added.category == "tenant" and added.name == "新租户"
    assert TravelRecord.objects.filter(person=added, place="湖北省武汉市", source="visit").exists()
    from fangkong.registry.flags import person_flags

    assert [f.code for f in person_flags([added.id], reader=personas["office"])[added.id]] == ["key_area"]
    c = round_coverage(actor=personas["office"], rnd=five_doors["round"])
    assert added not in c.people_never_seen and c.total.people_seen == 2


def test_one_bad_field_saves_nothing(personas, five_doors):
    hh = five_doors["hh"]["e"]
    bad_new = NewPerson(data=person_data_from({"name": "新租户", "id_number": _id(8)}),
                        check=MemberCheck(person_id=0, temperature="36.8"))
    people_before = Person.objects.count()
    with pytest.raises(ValidationErrors) as e:
        visit_record(actor=personas["grid2"], rnd=five_doors["round"], household=hh, outcome="seen",
                     checks=[MemberCheck(person_id=five_doors["people"]["e"].id, temperature="63.5")],
                     new_people=[bad_new])
    assert [x.field for x in e.value.errors] == ["people.0.temperature"]
    assert Person.objects.count() == people_before and not Visit.objects.exists()


def test_an_id_number_already_registered_saves_nothing(personas, five_doors):
    taken = five_doors["people"]["a"].id_number
    new = NewPerson(data=person_data_from({"name": "重复", "id_number": taken}))
    with pytest.raises(ValidationErrors) as e:
        visit_record(actor=personas["grid2"], rnd=five_doors["round"], household=five_doors["hh"]["e"], outcome="seen",
                     new_people=[new])
    assert e.value.errors[0].field == "new_people.0.id_number"
    assert not Visit.objects.exists()


def test_a_member_of_another_household_cannot_be_listed(personas, five_doors):
    with pytest.raises(ValidationErrors) as e:
        _visit(personas, five_doors, "a", "seen", checks=[MemberCheck(person_id=five_doors["people"]["b"].id)])
    assert e.value.errors[0].code == "not_member"


def test_a_replayed_client_id_records_once(personas, five_doors):
    v1 = _visit(personas, five_doors, "a", "seen", client_id="phone-1")
    v2 = _visit(personas, five_doors, "a", "seen", client_id="phone-1")
    assert v1.pk == v2.pk and Visit.objects.count() == 1


def test_a_closed_round_takes_no_visits_and_nobody_seen_lists_nobody(personas, five_doors):
    with pytest.raises(FieldError) as e:
        _visit(personas, five_doors, "a", "nobody_home", checks=[MemberCheck(person_id=five_doors["people"]["a"].id)])
    assert e.value.code == "nobody_seen"
    round_close(actor=personas["office"], rnd=five_doors["round"])
    with pytest.raises(FieldError) as e:
        _visit(personas, five_doors, "a", "seen")
    assert e.value.code == "round_closed"


def test_a_round_limited_to_grids_counts_only_them(personas, five_doors, places):
    rnd = round_create(actor=personas["office"], community=places["home"], name="二网格复查",
                       starts_on=date(2020, 1, 1), deadline=date(2020, 1, 2), grids=[five_doors["g2"]])
    c = round_coverage(actor=personas["office"], rnd=rnd)
    assert c.total.households_total == 2
    with pytest.raises(FieldError) as e:
        visit_record(actor=personas["grid1"], rnd=rnd, household=five_doors["hh"]["a"], outcome="seen")
    assert e.value.code == "outside_round"
    assert {u.username for u in rnd.workers.all()} == {"grid2"}


def test_daily_changes_show_arrivals_departures_and_new_flags(personas, five_doors, make_person, places):
    today = timezone.localdate()
    newcomer = make_person(places["grid1"], name="新来者")
    person_move(actor=personas["office"], person=five_doors["people"]["b"], household=five_doors["hh"]["c"],
                relation="other")
    _visit(personas, five_doors, "a", "seen", checks=[MemberCheck(person_id=five_doors["people"]["a"].id,
                                                                  temperature="36.6", key_area_travel=True,
                                                                  travel_place="湖北孝感")])
    ch = daily_changes(actor=personas["office"], community=places["home"], day=today)
    assert newcomer.id in {m.person_id for m in ch.arrivals}
    assert five_doors["people"]["b"].id in {m.person_id for m in ch.departures}
    assert [r.person_id for r in ch.new_flags] == [five_doors["people"]["a"].id]
    # grid 2's worker sees grid 2's changes only
    assert not daily_changes(actor=personas["grid2"], community=places["home"], day=today).new_flags


def test_visit_time_rules(personas, five_doors):
    with pytest.raises(FieldError) as e:
        _visit(personas, five_doors, "a", "seen", at=timezone.now() + timedelta(hours=2))
    assert e.value.code == "in_future"
    with pytest.raises(FieldError) as e:
        _visit(personas, five_doors, "a", "seen", at=timezone.make_aware(datetime(2019, 12, 31, 10)))
    assert e.value.code == "before_round"
    v = _visit(personas, five_doors, "a", "seen")
    assert VisitPerson.objects.get(visit=v).temperature == Decimal("36.5")


def test_a_client_id_reused_for_another_household_is_refused(personas, five_doors):
    _visit(personas, five_doors, "a", "seen", client_id="phone-2")
    with pytest.raises(FieldError) as e:
        _visit(personas, five_doors, "b", "seen", client_id="phone-2")
    assert e.value.code == "client_id_taken" and Visit.objects.count() == 1


def test_a_new_trip_elsewhere_of_someone_already_flagged_is_not_a_new_flag(personas, five_doors, places):
    from fangkong.screening.services import travel_record_add

    person, today = five_doors["people"]["a"], timezone.localdate()
    TravelRecord.objects.create(community=places["home"], person=person, place="湖北省武汉市",
                                returned_on=today - timedelta(days=5))
    TravelRecord.objects.filter(person=person).update(recorded_at=timezone.now() - timedelta(days=5))
    travel_record_add(actor=personas["office"], person=person, place="山东省济南市", returned_on=today)
    assert daily_changes(actor=personas["office"], community=places["home"], day=today).new_flags == []
