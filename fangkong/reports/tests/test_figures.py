"""Every figure of the daily report equals a count made here, by hand, from rows this test creates:
some inside the report's period, some before it, some after it, some in the neighbouring community."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from fangkong.core.dates import local_today
from fangkong.gates.models import Gate, Scan, Shift, Visitor
from fangkong.observation.models import Alert, FollowUp, Observation, Site
from fangkong.passes.models import Pass
from fangkong.reports.period import report_period
from fangkong.reports.selectors import report_views
from fangkong.screening.models import Round, TravelRecord, Visit, VisitPerson
from fangkong.verification.models import VerificationList, VerificationRow
from fangkong.workgroup.models import Member, WorkingGroup


@pytest.fixture
def day():
    return local_today() - timedelta(days=2)


@pytest.fixture
def world(places, personas, make_person, day):
    """Rows around the period of `day` in C1 (home), and a few in C2 that must not count in C1."""
    home, neighbour = places["home"], places["neighbour"]
    p = report_period(community=home, day=day)
    inside, before, after = p.start + timedelta(hours=3), p.start - timedelta(hours=2), p.end + timedelta(hours=2)
    g1 = places["grid1"]
    people = [make_person(g1, name=f"居民{i}") for i in range(8)]
    other = make_person(neighbour.grids.first(), name="邻居")
    office = personas["office"]

    # Screening: visits seen inside (2 households, 3 people present, 1 away), before (1 household), refused inside.
    rnd = Round.objects.create(community=home, name="r", starts_on=day - timedelta(days=5), deadline=day)
    def visit(person, at, outcome="seen", present=True):
        v = Visit.objects.create(round=rnd, community=home, grid=g1, household=person.household, worker=office,
                                 at=at, outcome=outcome)
        VisitPerson.objects.create(visit=v, person=person, present=present)
        return v
    v = visit(people[0], inside)
    VisitPerson.objects.create(visit=v, person=people[1], present=True)
    visit(people[2], inside + timedelta(minutes=5))
    VisitPerson.objects.create(visit=Visit.objects.create(round=rnd, community=home, grid=g1,
                                                          household=people[3].household, at=inside, outcome="seen"),
                               person=people[3], present=False)
    visit(people[4], before)
    visit(people[5], inside, outcome="refused", present=False)
    visit(people[0], after)  # after the period: in neither

    # Returnees: key areas default ["湖北省"]. people[0] Wuhan inside, people[1] 湖北黄冈 before, people[2] 山东 inside.
    def travel(person, place, at):
        t = TravelRecord.objects.create(community=home, person=person, place=place, returned_on=day)
        TravelRecord.objects.filter(pk=t.pk).update(recorded_at=at)
    travel(people[0], "湖北省武汉市", inside)
    travel(people[0], "湖北省武汉市", before)  # the same person earlier: not new
    travel(people[1], "湖北黄冈", before)
    travel(people[2], "山东省济南市", inside)
    travel(people[3], "湖北省孝感市", inside)
    travel(people[4], "湖北省", after)

    # Observations: home active (opened before), centralised active (opened inside), completed inside,
    # completed before, home ended after the period (still under observation at its end).
    site = Site.objects.create(street=home.street, name="酒店", capacity=10)
    def obs(person, kind, opened, status="active", ended=None):
        return Observation.objects.create(community=home, person=person, kind=kind, start=day - timedelta(days=3),
                                          planned_end=day + timedelta(days=11), opened_at=opened, status=status,
                                          ended_at=ended, site=site if kind == "centralised" else None)
    o1 = obs(people[0], "home", before)
    obs(people[1], "centralised", inside)
    obs(people[2], "home", before - timedelta(days=5), "completed", inside)
    obs(people[3], "home", before - timedelta(days=20), "completed", before)
    obs(people[4], "home", before, "completed", after)
    obs(people[5], "home", after)  # opened after the period: not counted
    # Follow-ups of o1: two inside (one with fever), one with a symptom inside, one before.
    for at, fever, symptoms in ((inside, False, []), (inside + timedelta(hours=1), True, []),
                                (inside + timedelta(hours=2), False, ["cough"]), (before, True, [])):
        FollowUp.objects.create(observation=o1, at=at, day=day, slot=1, fever=fever, symptoms=symptoms,
                                temperature=Decimal("37.5" if fever else "36.5"))
    # Fever alerts: people[0] twice inside (counted once), a gate fever of people[6] inside, one before.
    Alert.objects.create(community=home, observation=o1, person=people[0], kind="fever", day=day, raised_at=inside)
    Alert.objects.create(community=home, observation=o1, person=people[0], kind="fever", day=day,
                         raised_at=inside + timedelta(hours=1))
    Alert.objects.create(community=home, person=people[6], kind="gate_fever", day=day, raised_at=inside)
    Alert.objects.create(community=home, person=people[7], kind="gate_fever", day=day, raised_at=before)
    Alert.objects.create(community=home, observation=o1, person=people[0], kind="missed_followup", day=day,
                         raised_at=inside)  # not a fever

    # Passes: temporary issued inside (2), before (1), after (1); a resident pass inside.
    def issue(n, person, kind, at):
        pss = Pass.objects.create(community=home, number=f"T{n}", kind=kind, person=person,
                                  valid_from=day, valid_until=day + timedelta(days=7))
        Pass.objects.filter(pk=pss.pk).update(issued_at=at)
        return pss
    issue(1, people[0], "temporary", inside)
    issue(2, people[1], "temporary", inside)
    issue(3, people[2], "temporary", before)
    issue(4, people[3], "temporary", after)
    pass5 = issue(5, people[4], "resident", inside)

    # Gates: 2 gates in C1, 1 in C2. Scans inside: 5 allow (2 with plates), 3 deny (people 5, 5, 6), one before.
    gate, gate2 = (Gate.objects.create(community=home, code=f"c1g{i}", name=f"门{i}") for i in (1, 2))
    gate_c2 = Gate.objects.create(community=neighbour, code="c2g", name="门")
    def scan(at, decision="allow", person=None, plate="", g=gate, community=home, scanned_at=None):
        Scan.objects.create(community=community, gate=g, pass_ref=pass5, person=person, at=at, direction="in",
                            decision=decision, plate=plate, scanned_at=scanned_at)
    # Offline scans count on the day they were made, not the day they were uploaded: two made inside the
    # period and uploaded after it count; one made before it and uploaded inside it does not.
    scan(after, scanned_at=inside)
    scan(after, scanned_at=inside)
    scan(inside, scanned_at=before)
    for i in range(5):
        scan(inside + timedelta(minutes=i), plate="鲁B1234" if i < 2 else "")
    scan(inside, "deny", people[5])
    scan(inside, "deny", people[5], g=gate2)
    scan(inside, "deny", people[6])
    scan(before, "deny", people[7])
    scan(inside, community=neighbour, g=gate_c2)
    # Visitors: 2 inside (one refused), one before.
    def visitor(at, decision):
        vis = Visitor.objects.create(community=home, gate=gate, name="访客", id_number_encrypted="x",
                                     id_number_hash="h", id_number_masked="3702**", reason="r",
                                     temperature=Decimal("36.5"), decision=decision)
        Visitor.objects.filter(pk=vis.pk).update(at=at)
    visitor(inside, "allow")
    visitor(inside, "deny")
    visitor(before, "deny")

    # Roster: two shifts overlapping the period (one leader on both; staff guard + office, guard twice),
    # one shift entirely before.
    wg = WorkingGroup.objects.create(community=home, name="组", established=day - timedelta(days=30))
    leader = Member.objects.create(group=wg, community=home, name="组长", position="secretary")
    leader2 = Member.objects.create(group=wg, community=home, name="委员", position="committee")
    s1 = Shift.objects.create(community=home, gate=gate, starts_at=before, ends_at=inside, leader=leader)
    s1.staff.set([personas["guard"], office])
    s2 = Shift.objects.create(community=home, gate=gate2, starts_at=inside, ends_at=after, leader=leader)
    s2.staff.set([personas["guard"]])
    s3 = Shift.objects.create(community=home, gate=gate, starts_at=before - timedelta(hours=8),
                              ends_at=before - timedelta(hours=1), leader=leader2)
    s3.staff.set([personas["leader"]])

    # Pushed-down rows: 3 received inside (one checked inside as missed, one checked after), 2 received
    # before (one info_wrong before, one not_here inside), one in C2.
    vlist = VerificationList.objects.create(street=home.street, batch="b1", filename="f.xlsx")
    def row(n, received, outcome="", outcome_at=None, community=home):
        VerificationRow.objects.create(vlist=vlist, street=home.street, number=n, received_at=received,
                                       community=community, name="某", outcome=outcome, outcome_at=outcome_at)
    row(1, inside, "missed", inside + timedelta(hours=1))
    row(2, inside, "confirmed", after)
    row(3, inside)
    row(4, before, "info_wrong", before)
    row(5, before, "not_here", inside)
    row(6, inside, "confirmed", inside, community=neighbour)

    # Disinfection and patrols: three areas of C1 on schedules before the period, one made after it.
    from fangkong.sanitation.models import Area, Disinfection, Patrol

    def area(name, every, unit, community=home, made=p.start - timedelta(days=3)):
        a = Area.objects.create(community=community, kind="stairwell", name=name, every=every, unit=unit)
        Area.objects.filter(pk=a.pk).update(created_at=made)
        return a

    def disinfect(a, at):
        Disinfection.objects.create(area=a, community=a.community, at=at, agent="84消毒液")
    daily, four_hourly, _never = area("一号楼楼道", 1, "days"), area("电梯", 4, "hours"), area("垃圾点", 1, "days")
    area("新设点位", 1, "days", made=after)
    disinfect(daily, before)  # before the period: not today's
    disinfect(daily, inside)  # due again a day later, after the period's end: on time
    disinfect(four_hourly, inside)  # due 4 hours later, before the end: overdue
    disinfect(four_hourly, after)  # after the period
    # `never` was never disinfected since it was made three days before: overdue.
    disinfect(area("邻居楼道", 1, "days", community=neighbour), inside)
    Patrol.objects.create(community=home, kind="fire_watch", started_at=inside)
    Patrol.objects.create(community=home, kind="fire_watch", started_at=before)
    return {"other": other}


def test_every_figure_equals_the_count_made_by_hand(world, places, day):
    figures = report_views(communities=[places["home"]], day=day)[0].figures
    expected = {
        # The door of people[3] was answered (seen) though they were away: their household counts.
        "screened_households_today": 3, "screened_people_today": 3,
        "screened_households_total": 4, "screened_people_total": 4,
        "key_area_returnees_new": 1,  # people[3]: people[0] was recorded before
        "key_area_returnees_total": 3,  # people[0], [1], [3]
        "wuhan_returnees_new": 0, "wuhan_returnees_total": 1,
        "home_observation_now": 2,  # o1 and the one ended after the period
        "centralised_observation_now": 1,
        "observations_started_today": 1,
        "released_today": 1, "released_total": 2,
        "followups_due_today": 6,  # 3 under observation × 2 a day (the default policy)
        "followups_done_today": 3, "followups_abnormal_today": 2,
        "fever_found_today": 2,
        "temporary_passes_issued_today": 2, "temporary_passes_total": 3,
        "visitors_registered_today": 2,
        "gates": 2, "staff_on_duty": 3,  # leader + guard + office
        "gate_checks_today": 10, "vehicles_checked_today": 2, "gate_denials_today": 3,
        "people_turned_back_today": 3,  # people[5], people[6] at the gates, one refused visitor
        "verification_rows_received": 3, "verification_rows_checked": 2,
        "verification_rows_received_total": 5, "verification_rows_checked_total": 3,
        "verification_info_wrong": 1, "verification_missed": 1, "verification_not_here": 1,
        "verification_outside_window": 0,
        "disinfections_today": 2, "disinfection_areas": 3, "disinfection_areas_overdue": 2, "patrols_today": 1,
    }
    assert figures == expected


def test_the_neighbour_computed_together_gets_only_its_own(world, places, day):
    views = report_views(communities=[places["home"], places["neighbour"]], day=day)
    c2 = views[1].figures
    assert c2["gates"] == 1 and c2["gate_checks_today"] == 1
    assert c2["verification_rows_received"] == 1 and c2["verification_rows_checked"] == 1
    assert c2["home_observation_now"] == 0 and c2["screened_people_today"] == 0
    assert views[0].figures["gate_checks_today"] == 10


def test_a_period_ending_at_16_counts_from_the_day_before(world, places, personas, day):
    from fangkong.policy.selectors import policy_cache_clear
    from fangkong.policy.services import policy_set

    policy_set(actor=personas["admin"], community=places["home"], key="report_period_end", value="16:00",
               effective_from=day - timedelta(days=10))
    policy_cache_clear()
    p = report_period(community=places["home"], day=day)
    assert p.end - p.start == timedelta(days=1) and p.end.hour == 16
    figures = report_views(communities=[places["home"]], day=day)[0].figures
    # The period is now the day before 16:00 to `day` 16:00: the refusal at 22:00 the evening before
    # (outside the calendar day) now counts too, and so does the offline scan made then; the scans at 03:00
    # on `day` still do, the two made then and uploaded later too.
    assert figures["gate_checks_today"] == 12 and figures["gate_denials_today"] == 4
