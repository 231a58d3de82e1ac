"""A district's day on PostgreSQL: 50 communities × 4,000 people (`fangkong seed`) and 2,000,000 gate
scans of one day, with some returns, observations, follow-ups, door visits and visitors, so that the
daily report and the ledgers have work. Used by bench/gate_log_export.py and bench/daily_report.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/district_day.py \
        [--communities 50] [--people 4000] [--scans 2000000] [--day 2020-02-06]

Idempotent: what exists is kept (the seeded communities, each community's gates, passes and day of
activity, the scans of the day up to the number asked for), so a second run costs seconds. The data
key lives in bench/results/district-data (FANGKONG_DATA_DIR), kept between runs like the database.
Refuses SQLite. Scans go in through COPY (psycopg), in one transaction per community.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
os.environ.setdefault("FANGKONG_DATA_DIR", str(ROOT / "bench" / "results" / "district-data"))

DAY = date(2020, 2, 6)  # the day of the seed article (Peninsula Net, 6 Feb 2020)
ROUND_NAME = "压测日入户排查"


@dataclass
class DistrictDay:
    day: date
    communities: list  # registry.Community, by code
    scans: int
    seconds: float


def _setup() -> None:
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("district_day needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite is refused)")
    django.setup()


def _say(text: str) -> None:
    print(text, flush=True)


def _aware(day: date, seconds: float) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds))


def _seed(communities: int, people: int) -> list:
    from fangkong.demo.seed import seed_district
    from fangkong.registry.models import Community

    have = Community.objects.filter(code__startswith="SEED").count()
    if have < communities:
        started = time.perf_counter()
        seed_district(communities=communities - have, people=people)
        _say(f"seeded {communities - have} communities × {people} people in {time.perf_counter() - started:.0f} s")
    return list(Community.objects.filter(code__startswith="SEED").order_by("code")[:communities])


def _admin():
    from fangkong.accounts.models import User
    from fangkong.accounts.roles import Role

    return User.objects.filter(role=Role.ADMINISTRATOR).order_by("id").first()


def _gates_and_guards(community) -> tuple[list, list]:
    from fangkong.accounts.models import User
    from fangkong.accounts.roles import Role
    from fangkong.gates.models import Gate

    code = community.code.lower()
    gates = [Gate.objects.get_or_create(code=f"{code}-{side}", defaults={"community": community,
                                                                         "name": f"{name}门岗"})[0]
             for side, name in (("n", "北"), ("s", "南"))]
    guards = []
    for n in (1, 2):
        user, made = User.objects.get_or_create(username=f"bench-guard-{code}-{n}",
                                                defaults={"role": Role.GUARD, "display_name": f"值守{n}号"})
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        guards.append(user)
    return gates, guards


def _passes(community, day: date) -> list[tuple[int, int]]:
    from fangkong.passes.models import Pass
    from fangkong.passes.services import pass_issue_bulk
    from fangkong.registry.models import Person

    if not Pass.objects.filter(community=community).exists():
        pass_issue_bulk(actor=_admin(), community=community, kind=Pass.Kind.RESIDENT,
                        valid_from=day - timedelta(days=30), valid_until=day + timedelta(days=60),
                        people=list(Person.objects.filter(community=community)))
    return list(Pass.objects.filter(community=community).values_list("id", "person_id"))


def _activity(community, day: date, gates: list, guards: list, rng: random.Random) -> bool:
    """Returns, observations with follow-ups, a screening round with visits, visitors: once per community."""
    from fangkong.core.identifiers import id_check_char
    from fangkong.core.models import protect
    from fangkong.gates.models import Visitor
    from fangkong.observation.models import Alert, FollowUp, Observation, Site
    from fangkong.registry.models import Household, Person
    from fangkong.screening.models import Round, TravelRecord, Visit, VisitPerson

    if Round.objects.filter(community=community, name=ROUND_NAME).exists():
        return False
    admin = _admin()
    people = list(Person.objects.filter(community=community, household__isnull=False)
                  .order_by("id").values_list("id", "grid_id", "household_id")[:400])
    rng.shuffle(people)
    returning, observed, released = people[:12], people[12:32], people[32:36]
    places = ["湖北省武汉市", "湖北省武汉市", "湖北省孝感市", "湖北省黄冈市", "浙江省温州市", "山东省济南市"]
    TravelRecord.objects.bulk_create([
        TravelRecord(community=community, grid_id=g, person_id=p, place=places[i % len(places)],
                     left_on=day - timedelta(days=20), returned_on=day - timedelta(days=i % 3), transport="火车",
                     source=TravelRecord.Source.VISIT if i % 2 else TravelRecord.Source.OFFICE, recorded_by=admin)
        for i, (p, g, _h) in enumerate(returning)])
    site, _ = Site.objects.get_or_create(street=community.street, name=f"{community.street.name}集中观察点",
                                         defaults={"capacity": 500})
    opened = _aware(day - timedelta(days=5), 9 * 3600)
    observations = Observation.objects.bulk_create([
        Observation(community=community, grid_id=g, person_id=p, kind="centralised" if i < 3 else "home",
                    site=site if i < 3 else None, room=f"{i + 1:03d}" if i < 3 else "",
                    start=day - timedelta(days=5 + i % 8), planned_end=day + timedelta(days=9 - i % 8),
                    opened_at=opened, status="active", reason="返回自湖北", created_by=admin)
        for i, (p, g, _h) in enumerate(observed)])
    Observation.objects.bulk_create([
        Observation(community=community, grid_id=g, person_id=p, kind="home", start=day - timedelta(days=14),
                    planned_end=day, opened_at=opened, status="completed", ended_at=_aware(day, 10 * 3600),
                    reason="返回自湖北", created_by=admin)
        for p, g, _h in released])
    followups = []
    for i, obs in enumerate(observations):
        for slot, hour in ((0, 9), (1, 17)):
            fever = i == 0 and slot == 1
            followups.append(FollowUp(observation=obs, at=_aware(day, hour * 3600), day=day, slot=slot,
                                      temperature=Decimal("37.8") if fever else Decimal("36.5"), fever=fever,
                                      recorded_by=admin))
    FollowUp.objects.bulk_create(followups)
    fever = next(f for f in followups if f.fever)
    Alert.objects.create(community=community, grid_id=observations[0].grid_id, observation=observations[0],
                         person_id=observations[0].person_id, kind="fever", day=day, slot=1, followup=fever,
                         raised_at=fever.at, temperature=fever.temperature)
    rnd = Round.objects.create(community=community, name=ROUND_NAME, starts_on=day, deadline=day + timedelta(days=2),
                               created_by=admin)
    households = list(Household.objects.filter(community=community).order_by("id").values_list("id", "grid_id")[:80])
    visits = Visit.objects.bulk_create([
        Visit(round=rnd, community=community, grid_id=g, household_id=h, worker=admin,
              at=_aware(day, 9 * 3600 + i * 240), outcome="seen" if i % 5 else "nobody_home")
        for i, (h, g) in enumerate(households)])
    members = {}
    in_visited = Person.objects.filter(household_id__in=[h for h, _g in households])
    for pid, hid in in_visited.values_list("id", "household_id"):
        members.setdefault(hid, []).append(pid)
    VisitPerson.objects.bulk_create([
        VisitPerson(visit=v, person_id=pid, temperature=Decimal("36.4"))
        for v in visits if v.outcome == "seen" for pid in members.get(v.household_id, [])])
    visitors = []
    for i in range(30):
        first17 = f"420102{1980 + i % 10}{i % 12 + 1:02d}{i % 28 + 1:02d}{i:03d}"
        number = first17 + id_check_char(first17)
        phone = f"139{rng.randrange(10**8):08d}"
        v = Visitor(community=community, gate=gates[i % 2], guard=guards[i % 2], name=f"访客{i + 1}",
                    reason="送货" if i % 3 else "探视老人", household_text="", temperature=Decimal("36.6"),
                    plate="鲁B12345" if i % 4 == 0 else "", decision="allow" if i % 10 else "deny",
                    reasons=[] if i % 10 else ["fever"])
        v.id_number_encrypted, v.id_number_hash, v.id_number_masked = protect("id", number, Visitor, v.row_key)
        v.phone_encrypted, _hash, v.phone_masked = protect("phone", phone, Visitor, v.row_key)
        visitors.append(v)
    Visitor.objects.bulk_create(visitors)
    # `at` is auto_now_add: move them into the day.
    for i, v in enumerate(visitors):
        Visitor.objects.filter(pk=v.pk).update(at=_aware(day, 7 * 3600 + i * 1200))
    return True


def _scans(community, day: date, gates: list, guards: list, passes: list[tuple[int, int]], want: int,
           rng: random.Random) -> int:
    """COPY `want` scans minus those of the day already there, spread over the day, in time order of no one."""
    from django.db import connection, transaction

    from fangkong.gates.models import Scan

    start, end = _aware(day, 0), _aware(day + timedelta(days=1), 0)
    have = Scan.objects.filter(gate__in=gates, at__gte=start, at__lt=end).count()
    todo = want - have
    if todo <= 0:
        return 0
    day_seconds = 86400
    columns = ("community_id", "gate_id", "pass_id", "person_id", "guard_id", "device", "at", "scanned_at",
               "direction", "temperature", "plate", "decision", "reasons", "client_id", "conflict")
    with transaction.atomic():
        raw = connection.cursor().cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY gates_scan ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(todo):
                pass_id, person_id = passes[rng.randrange(len(passes))]
                at = start + timedelta(seconds=rng.random() * day_seconds)
                fever = rng.random() < 0.005
                denied = fever or rng.random() < 0.02
                reasons = '["fever"]' if fever else ('["exit_quota_reached"]' if denied else "[]")
                temperature = "37.6" if fever else f"36.{rng.randrange(10)}"
                gate = gates[i % len(gates)]
                copy.write_row((community.pk, gate.pk, pass_id, person_id, guards[i % len(guards)].pk, "bench", at, at,
                                "out" if i % 2 else "in", temperature, "", "deny" if denied else "allow", reasons,
                                None, False))
    return todo


def ensure_district_day(*, communities: int = 50, people: int = 4000, scans: int = 2_000_000,
                        day: date | None = None) -> DistrictDay:
    """Make sure the district and its day exist (see the module's docstring); returns what is there."""
    _setup()
    from django.core.management import call_command

    day = day or DAY
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    made = _seed(communities, people)
    per = scans // len(made)
    added = active = 0
    for n, community in enumerate(made):
        rng = random.Random(community.pk)
        gates, guards = _gates_and_guards(community)
        passes = _passes(community, day)
        active += _activity(community, day, gates, guards, rng)
        want = per + (scans - per * len(made) if n == len(made) - 1 else 0)
        added += _scans(community, day, gates, guards, passes, want, rng)
        if added and n % 10 == 9:
            _say(f"  {n + 1}/{len(made)} communities, {added:,} scans added")
    seconds = time.perf_counter() - started
    _say(f"district day {day}: {len(made)} communities, {scans:,} scans ({added:,} added), "
         f"day's activity added in {active} communities, in {seconds:.1f} s")
    if added:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE gates_scan")
    return DistrictDay(day=day, communities=made, scans=scans, seconds=seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--scans", type=int, default=2_000_000)
    parser.add_argument("--day", type=date.fromisoformat, default=DAY)
    args = parser.parse_args()
    ensure_district_day(communities=args.communities, people=args.people, scans=args.scans, day=args.day)


if __name__ == "__main__":
    main()
