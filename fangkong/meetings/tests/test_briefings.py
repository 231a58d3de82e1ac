"""Briefings: periods from the policy, facts counted from rows made here, generated once, frozen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from fangkong.core.dates import local_today
from fangkong.meetings.models import ActionItem, Briefing
from fangkong.meetings.periods import briefing_period
from fangkong.meetings.services import briefing_get_or_generate

pytestmark = pytest.mark.django_db


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hh, minute=mm))


def test_periods_follow_the_policy_in_force(places, personas):
    from fangkong.policy.selectors import policy_cache_clear
    from fangkong.policy.services import policy_set

    home = places["home"]
    day = date(2020, 2, 10)
    assert briefing_period(community_id=home.id, day=day, kind="morning") == (at(day - timedelta(1), 18), at(day, 8))
    assert briefing_period(community_id=home.id, day=day, kind="evening") == (at(day, 8), at(day, 18))
    policy_set(actor=personas["leader"], key="briefing_morning", value="07:30", community=home,
               effective_from=day)
    policy_set(actor=personas["leader"], key="briefing_evening", value="17:00", community=home,
               effective_from=day)
    policy_cache_clear()
    # The morning one starts at the evening time in force the day before (18:00), ends at 07:30.
    assert briefing_period(community_id=home.id, day=day, kind="morning") == (at(day - timedelta(1), 18),
                                                                              at(day, 7, 30))
    assert briefing_period(community_id=home.id, day=day, kind="evening") == (at(day, 7, 30), at(day, 17))
    assert briefing_period(community_id=home.id, day=day + timedelta(1), kind="morning")[0] == at(day, 17)


@pytest.fixture
def day():
    return local_today() - timedelta(days=3)  # a past day: both periods have ended


def _rows(places, personas, make_person, day):
    """Rows inside the morning period of `day` (D-1 18:00 → D 08:00) and just outside; returns the
    expected counts, written out by hand."""
    from fangkong.gates.models import Gate, Incident, Scan
    from fangkong.observation.models import Alert, Observation, ReturneeReport
    from fangkong.screening.models import Round, TravelRecord, Visit
    from fangkong.verification.models import VerificationList, VerificationRow

    home, far = places["home"], places["far"]
    inside, before, after = at(day, 2), at(day - timedelta(1), 17, 59), at(day, 8)  # end is exclusive
    people = [make_person(places["grid1"], name=f"居民{i}") for i in range(4)]
    stranger = make_person(places["grid1"], name="外来")

    def report(when, status="pending", decided=None, community=home):
        r = ReturneeReport.objects.create(community=community, name="某", from_place="武汉", arrival_date=day,
                                          address="1-1-101", via="office", status=status, decided_at=decided)
        ReturneeReport.objects.filter(pk=r.pk).update(reported_at=when)

    report(inside)
    report(inside, status="confirmed", decided=inside)
    report(before, status="confirmed", decided=inside)
    report(after)
    report(inside, community=far)

    for when in (inside, before):
        t = TravelRecord.objects.create(community=home, person=people[0], place="武汉")
        TravelRecord.objects.filter(pk=t.pk).update(recorded_at=when)

    def obs(person, opened, ended=None, status="active"):
        return Observation.objects.create(community=home, person=person, kind="home", start=day,
                                          planned_end=day + timedelta(14), opened_at=opened, ended_at=ended,
                                          status=status)

    o0 = obs(people[0], inside)
    obs(people[1], before - timedelta(days=2), ended=inside, status="completed")
    o2 = obs(people[2], before)  # still active
    o3 = obs(people[3], after)  # started after the period

    def alert(kind, when, observation, status="open", person=None):
        Alert.objects.create(community=home, person=person or observation.person, observation=observation,
                             kind=kind, day=when.date(), raised_at=when, status=status,
                             action="called" if status == "closed" else "")

    alert("fever", inside, o0)
    alert("missed_followup", inside, o0, status="closed")
    alert("gate_fever", inside, None, person=stranger)
    alert("fever", before, o2, status="acknowledged")
    alert("fever", after, o3)

    gate = Gate.objects.create(community=home, code="east", name="东门")
    Incident.objects.create(community=home, gate=gate, at=inside, description="拒绝测温")
    Incident.objects.create(community=home, gate=gate, at=after, description="x")
    for direction, decision, when in [("in", "allow", inside), ("in", "deny", inside), ("out", "allow", inside),
                                      ("out", "deny", inside), ("in", "allow", before), ("out", "allow", after)]:
        Scan.objects.create(community=home, gate=gate, at=when, direction=direction, decision=decision)

    rnd = Round.objects.create(community=home, name="第一轮", starts_on=day - timedelta(5), deadline=day + timedelta(5))
    households = [p.household for p in people]
    for hh, outcome, when in [(households[0], "seen", inside), (households[0], "seen", inside),
                              (households[1], "nobody_home", inside), (households[2], "seen", before)]:
        Visit.objects.create(round=rnd, community=home, grid=hh.grid, household=hh, at=when, outcome=outcome)

    vlist = VerificationList.objects.create(street=home.street, batch="1", filename="a.xlsx")
    for n, (received, checked) in enumerate([(inside, inside), (inside, None), (before, inside)], start=1):
        VerificationRow.objects.create(vlist=vlist, street=home.street, community=home, number=n, received_at=received,
                                       name="某", outcome="confirmed" if checked else "", outcome_at=checked)

    ActionItem.objects.create(community=home, text="a", due=day - timedelta(1))
    ActionItem.objects.create(community=home, text="b", due=day)
    ActionItem.objects.create(community=home, text="c", due=day - timedelta(1), done=True)
    # households with someone living there: the 5 made above (one each); seen in the round: 0 and 2
    return {
        "returnee_reports": 2, "returnees_confirmed": 2, "returnee_reports_pending": 1, "travel_records": 1,
        "observations_started": 1, "observations_ended": 1, "observations_active": 2,
        "alerts_raised": 3, "alerts_fever": 1, "alerts_missed_followup": 1, "alerts_gate_fever": 1,
        "alerts_open": 3, "incidents": 1, "scans_in": 2, "scans_out": 2, "denials": 2, "households_seen": 1,
        "verification_received": 2, "verification_checked": 2, "actions_open": 2, "actions_overdue": 1,
        "coverage": [{"round": rnd.id, "name": "第一轮", "households": 5, "seen": 2, "percent": 40}],
    }


def test_every_fact_equals_a_count_made_here(places, personas, make_person, day):
    expected = _rows(places, personas, make_person, day)
    b = briefing_get_or_generate(actor=personas["leader"], community=places["home"], day=day, kind="morning")
    facts = dict(b.facts)
    assert facts.pop("report_state") == "missing"  # three days ago, never submitted: past the deadline
    assert facts == expected


def test_report_state_follows_the_daily_report(places, personas, day):
    from fangkong.reports.services import daily_report_submit

    daily_report_submit(actor=personas["leader"], community=places["home"], day=day)
    b = briefing_get_or_generate(actor=personas["leader"], community=places["home"], day=day, kind="evening")
    assert b.facts["report_state"] == "submitted"
    today = briefing_get_or_generate(actor=personas["leader"], community=places["home"], day=local_today(),
                                     kind="evening")
    assert today.facts["report_state"] == "draft"  # today's report is due tomorrow at the earliest


def test_generated_once_and_frozen_after_the_period(places, personas, day):
    leader, home = personas["leader"], places["home"]
    first = briefing_get_or_generate(actor=leader, community=home, day=day, kind="evening")
    assert first.facts["incidents"] == 0 and first.facts_at >= first.period_end
    from fangkong.gates.models import Gate, Incident

    gate = Gate.objects.create(community=home, code="east", name="东门")
    Incident.objects.create(community=home, gate=gate, at=at(day, 12), description="x")
    again = briefing_get_or_generate(actor=leader, community=home, day=day, kind="evening")
    assert again.pk == first.pk and again.facts["incidents"] == 0  # frozen: the period had ended
    assert Briefing.objects.filter(community=home, date=day).count() == 1


def test_a_running_period_is_computed_again(places, personas):
    leader, home = personas["leader"], places["home"]
    day = local_today()
    b = briefing_get_or_generate(actor=leader, community=home, day=day, kind="evening")
    start, end = b.period_start, b.period_end
    # Pretend the period is still running whatever the hour: its facts were computed before its end.
    earlier = min(start, timezone.now()) - timedelta(hours=1)
    Briefing.objects.filter(pk=b.pk).update(facts={}, facts_at=earlier)
    again = briefing_get_or_generate(actor=leader, community=home, day=day, kind="evening")
    assert again.pk == b.pk and "incidents" in again.facts and again.facts_at > earlier
    assert again.period_end == end


def test_a_future_day_is_refused(places, personas):
    from fangkong.core.errors import FieldError

    with pytest.raises(FieldError) as e:
        briefing_get_or_generate(actor=personas["leader"], community=places["home"],
                                 day=local_today() + timedelta(1), kind="morning")
    assert e.value.code == "in_future"


def test_two_first_reads_make_one_briefing(places, personas, day, monkeypatch):
    """A request that found no briefing and then meets the one another request created meanwhile reads it."""
    from django.db.models import QuerySet

    leader, home = personas["leader"], places["home"]
    other = briefing_get_or_generate(actor=leader, community=home, day=day, kind="morning")
    real_first, missed = QuerySet.first, []

    def first_misses_once(self):
        if self.model is Briefing and not missed:
            missed.append(True)
            return None  # as if the other request had not committed yet when this one looked
        return real_first(self)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)
    again = briefing_get_or_generate(actor=leader, community=home, day=day, kind="morning")
    assert missed and again.pk == other.pk
    assert Briefing.objects.filter(community=home, date=day).count() == 1
