"""Rows for the dashboard's tests, written straight to the tables so that every expected figure can be
counted by hand from this file (the figures are counts of rows; the services that make them have their
own tests). Day D is in the past: nothing depends on the time of day the tests run at."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from fangkong.gates.models import Gate, Scan
from fangkong.observation.models import Alert, Observation, Site
from fangkong.passes.models import Pass
from fangkong.screening.models import Round, Visit

D = date(2026, 11, 20)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def scan(gate: Gate, hour: int, direction: str = "in", *, deny: tuple[str, ...] = (), day: date = D) -> Scan:
    return Scan.objects.create(community_id=gate.community_id, gate=gate, at=at(day, hour, 5), direction=direction,
                               decision="deny" if deny else "allow", reasons=list(deny))


def observe(person, *, start: date, kind: str = "home", ended: datetime | None = None, site=None) -> Observation:
    return Observation.objects.create(
        community_id=person.community_id, grid_id=person.grid_id, person=person, kind=kind, site=site,
        start=start, planned_end=start + timedelta(days=14), opened_at=at(start, 9),
        status="active" if ended is None else "completed", ended_at=ended)


def alert(obs: Observation | None, person, *, kind: str, raised: datetime, status: str = "open") -> Alert:
    return Alert.objects.create(community_id=person.community_id, grid_id=person.grid_id, observation=obs,
                                person=person, kind=kind, day=timezone.localdate(raised), raised_at=raised,
                                status=status, action="done" if status == "closed" else "",
                                temperature=Decimal("37.8"))


def issue(person, number: str, *, kind: str = "resident", issued: datetime, status: str = "active") -> Pass:
    p = Pass.objects.create(community_id=person.community_id, number=number, kind=kind, person=person,
                            household=person.household, valid_from=D - timedelta(days=30),
                            valid_until=D + timedelta(days=30), status=status,
                            revoked_at=issued if status == "revoked" else None, revoked_reason="lost")
    Pass.objects.filter(pk=p.pk).update(issued_at=issued)
    return p


def build(places, make_person) -> dict:
    """C1 (grids 1 and 2, gates north and south), C2 (one grid, gate east) in the same street, C9 elsewhere."""
    home, neighbour, far = places["home"], places["neighbour"], places["far"]
    g1, g2 = places["grid1"], places["grid2"]
    n_grid = neighbour.grids.get(number=1)
    f_grid = far.grids.get(number=1)
    north = Gate.objects.create(community=home, code="c1-north", name="北门")
    south = Gate.objects.create(community=home, code="c1-south", name="南门")
    east = Gate.objects.create(community=neighbour, code="c2-east", name="东门")
    west = Gate.objects.create(community=far, code="c9-west", name="西门")
    # Gate traffic of D: C1 north 2 in at 08h, 1 out at 08h, 1 in at 20h; south 1 out at 23h (local);
    # C2 east 3 in at 07h; C9 west 5 in at 07h. Refusals: C1 north fever+under_observation at 09h, banned
    # at 10h; C2 east banned at 11h; C9 banned. A scan of the day before does not count.
    for _ in range(2):
        scan(north, 8)
    scan(north, 8, "out")
    scan(north, 20)
    scan(south, 23, "out")
    for _ in range(3):
        scan(east, 7)
    for _ in range(5):
        scan(west, 7)
    scan(north, 9, deny=("fever", "under_observation"))
    scan(north, 10, deny=("banned",))
    scan(east, 11, deny=("banned",))
    scan(west, 11, deny=("banned",))
    scan(north, 8, day=D - timedelta(days=1))

    a1 = make_person(g1, name="甲一")
    a2 = make_person(g1, name="甲二")
    b1 = make_person(g2, name="乙一")
    c1 = make_person(n_grid, name="丙一")
    f1 = make_person(f_grid, name="丁一")
    make_person(g2, name="乙二")  # a second occupied household of grid 2, never visited
    site = Site.objects.create(street=home.street, name="集中观察点", capacity=10)
    # Observations: a1 home from D-3 (active); b1 centralised from D-5, ended at D-1 12:00 (so under
    # observation through D-2, not at the end of D-1); c1 home from D (C2); f1 home (C9, never shown).
    o_a1 = observe(a1, start=D - timedelta(days=3))
    o_b1 = observe(b1, start=D - timedelta(days=5), kind="centralised", site=site, ended=at(D - timedelta(days=1), 12))
    observe(c1, start=D)
    o_f1 = observe(f1, start=D - timedelta(days=1))
    # Alerts: a1 fever open raised D 10:00; a1 missed follow-up acknowledged raised D-2; b1 fever closed
    # raised D-4; c1 gate fever open raised D; f1 fever open (C9).
    alert(o_a1, a1, kind="fever", raised=at(D, 10))
    alert(o_a1, a1, kind="missed_followup", raised=at(D - timedelta(days=2), 21), status="acknowledged")
    alert(o_b1, b1, kind="fever", raised=at(D - timedelta(days=4), 8), status="closed")
    alert(None, c1, kind="gate_fever", raised=at(D, 11))
    alert(o_f1, f1, kind="fever", raised=at(D, 9))
    # Passes: a1 resident issued D, b1 temporary issued D-1, b1 resident issued D-20 (outside 14 days)
    # and revoked; c1 resident issued D; f1 resident issued D.
    issue(a1, "P-A1", issued=at(D, 9))
    issue(b1, "P-B1", kind="temporary", issued=at(D - timedelta(days=1), 9))
    issue(b1, "P-B1R", issued=at(D - timedelta(days=20), 9), status="revoked")
    issue(c1, "P-C1", issued=at(D, 9))
    issue(f1, "P-F1", issued=at(D, 9))
    # Screening: an open round of C1 (all grids) saw a1's household; a2's was visited, nobody home; C2's
    # round is closed (not counted); C9's open round saw f1.
    r1 = Round.objects.create(community=home, name="R1", starts_on=D - timedelta(days=2),
                              deadline=D + timedelta(days=5))
    Visit.objects.create(round=r1, community=home, grid=g1, household=a1.household, at=at(D, 9), outcome="seen")
    Visit.objects.create(round=r1, community=home, grid=g1, household=a2.household, at=at(D, 9), outcome="nobody_home")
    r2 = Round.objects.create(community=neighbour, name="R2", starts_on=D - timedelta(days=9),
                              deadline=D - timedelta(days=2), closed_at=at(D - timedelta(days=2), 18))
    Visit.objects.create(round=r2, community=neighbour, grid=n_grid, household=c1.household,
                         at=at(D - timedelta(days=3), 9), outcome="seen")
    r9 = Round.objects.create(community=far, name="R9", starts_on=D - timedelta(days=2),
                              deadline=D + timedelta(days=5))
    Visit.objects.create(round=r9, community=far, grid=f_grid, household=f1.household, at=at(D, 9), outcome="seen")
    return {"north": north, "south": south, "east": east, "west": west}
