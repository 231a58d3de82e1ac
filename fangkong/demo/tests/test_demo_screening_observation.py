"""The demo community's screening, returnees and observation look current and exercise the alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.identifiers import parse_resident_id
from fangkong.demo.screening import FIRST_ROUND_NAME, ROUND_NAME, SITE_NAME, load_screening_demo
from fangkong.observation.models import Alert, Observation, ReturneeReport, Site
from fangkong.observation.services import missed_followups_sweep
from fangkong.passes.models import Pass
from fangkong.registry.models import Tenancy
from fangkong.screening.models import Round, TravelRecord, Visit, VisitPerson
from fangkong.screening.selectors import round_coverage


@pytest.fixture
def office(demo, db):
    return User.objects.get(username="office1")


def test_second_round_is_in_progress_with_complete_and_partial_grids(demo, office):
    today = timezone.localdate()
    rnd = Round.objects.get(community=demo, name=ROUND_NAME)
    assert (rnd.starts_on, rnd.deadline, rnd.closed_at) == (today - timedelta(days=5), today + timedelta(days=2), None)
    assert not rnd.grids.exists()  # the whole community
    cov = round_coverage(actor=office, rnd=rnd)
    by_number = {g.number: t for g, t in cov.by_grid}
    for n in (1, 2, 3):
        assert by_number[n].percent == 100 and by_number[n].remaining == 0 and by_number[n].unreachable == 0
    assert {n: (t.percent, t.remaining, t.unreachable) for n, t in by_number.items() if n > 3} == {
        4: (64, 43, 15), 5: (77, 21, 8), 6: (68, 29, 11)}
    assert cov.total.refused == 3
    assert cov.remaining_households and cov.unreachable_households


def test_visits_are_by_the_grids_workers_in_working_hours_of_the_past_days(demo, db):
    rnd = Round.objects.get(community=demo, name=ROUND_NAME)
    visits = list(Visit.objects.filter(round=rnd).select_related("grid", "worker"))
    assert len(visits) == 965
    assert {v.worker.username for v in visits} == {f"grid{n}" for n in range(1, 7)}
    assert all(v.worker.username == f"grid{v.grid.number}" for v in visits)
    now = timezone.now()
    for v in visits:
        local = timezone.localtime(v.at)
        assert rnd.starts_on <= local.date() and v.at <= now
        assert 8 <= local.hour < 19
    # Some doors were answered only at a second call.
    outcomes = (Visit.objects.filter(round=rnd).values("household").annotate(n=Count("id")).filter(n__gt=1)
                .values_list("household", flat=True))
    retried = Visit.objects.filter(round=rnd, household__in=list(outcomes))
    assert retried.filter(outcome="nobody_home").exists() and retried.filter(outcome="seen").exists()
    temps = VisitPerson.objects.filter(visit__round=rnd, present=True).values_list("temperature", flat=True)
    assert all(36 <= t <= 37.1 for t in temps)


def test_key_area_travel_and_an_unregistered_tenant_added_on_the_spot(demo, db):
    rnd = Round.objects.get(community=demo, name=ROUND_NAME)
    travel = TravelRecord.objects.filter(community=demo, source="visit")
    assert travel.count() == 6 and all(r.place.startswith("湖北省") for r in travel)
    assert VisitPerson.objects.filter(visit__round=rnd, key_area_travel=True).count() == travel.count()
    spot = VisitPerson.objects.select_related("person").get(visit__round=rnd, added_on_spot=True)
    parse_resident_id(spot.person.id_number)  # a valid ID number
    assert spot.person.category == "floating"
    assert Tenancy.objects.filter(tenant=spot.person, household=spot.visit.household).exists()


def test_an_earlier_round_is_closed(demo, office):
    first = Round.objects.get(community=demo, name=FIRST_ROUND_NAME)
    assert first.closed_at is not None and first.deadline < Round.objects.get(name=ROUND_NAME).starts_on
    assert round_coverage(actor=office, rnd=first).total.percent == 100


def test_landlords_reports_await_confirmation(demo, db):
    today = timezone.localdate()
    pending = ReturneeReport.objects.filter(community=demo, status="pending", via="landlord")
    assert pending.count() == 8
    assert pending.filter(person__isnull=True).exists() and pending.filter(person__isnull=False).exists()
    assert pending.values("link__person").distinct().count() == 5
    places = set(pending.values_list("from_place", flat=True))
    assert {"湖北省孝感市", "山东省济南市"} <= places
    assert all(today - timedelta(days=3) <= r.arrival_date <= today + timedelta(days=4) for r in pending)
    assert pending.filter(planned=True).exists() and pending.filter(planned=False).exists()
    confirmed = ReturneeReport.objects.filter(community=demo, status="confirmed")
    assert confirmed.count() == 3 and all(r.observation is not None for r in confirmed)


def test_forty_one_people_under_home_and_centralised_observation(demo, db):
    today = timezone.localdate()
    active = Observation.objects.filter(community=demo, status="active")
    assert dict(active.values_list("kind").annotate(n=Count("id"))) == {"centralised": 10, "home": 31}
    site = Site.objects.get(name=SITE_NAME)
    assert (site.street_id, site.capacity, len(site.rooms)) == (demo.street_id, 60, 30)
    rooms = list(active.filter(kind="centralised").values_list("room", flat=True))
    assert len(set(rooms)) == len(rooms) and set(rooms) <= set(site.rooms)
    assert all(today - timedelta(days=13) <= s <= today for s in active.values_list("start", flat=True))
    assert not active.filter(responsible__isnull=True).exists()
    ended = dict(Observation.objects.filter(community=demo).exclude(status="active")
                 .values_list("status").annotate(n=Count("id")))
    assert ended == {"completed": 4, "transferred": 1}


def test_follow_ups_leave_missed_slots_and_exactly_one_fever(demo, db):
    open_alerts = Alert.objects.filter(community=demo, status="open")
    missed = open_alerts.filter(kind="missed_followup")
    # Six slots skipped on purpose, of four people, all on past days: the same at any hour.
    assert missed.count() == 6 and missed.values("person").distinct().count() == 4
    fever = open_alerts.get(kind="fever")
    assert fever.followup.temperature >= 37.3
    assert timezone.localdate() - fever.day <= timedelta(days=1)
    # The transferred person's fever was handled; nothing else was feverish.
    assert Alert.objects.filter(kind="fever").exclude(pk=fever.pk).get().status == "closed"
    # Every slot that closed is either followed up or already alerted: a sweep now raises nothing.
    assert missed_followups_sweep(community_ids=[demo.id]) == 0


def test_passes_of_people_under_observation_are_suspended(demo, db):
    active = set(Observation.objects.filter(community=demo, status="active").values_list("person", flat=True))
    passes = Pass.objects.filter(person__in=active)
    assert set(passes.values_list("person", flat=True)) == active  # each holds a resident or temporary pass
    assert set(passes.values_list("status", flat=True)) == {"suspended"}
    ended = Observation.objects.filter(community=demo, status="completed").values_list("person", flat=True)
    assert set(Pass.objects.filter(person__in=list(ended)).values_list("status", flat=True)) == {"active"}


def test_loading_again_changes_nothing(demo, db):
    counts = (Round.objects.count(), Visit.objects.count(), Observation.objects.count())
    load_screening_demo(admin=User.objects.get(username="admin"), community=demo)
    assert (Round.objects.count(), Visit.objects.count(), Observation.objects.count()) == counts
