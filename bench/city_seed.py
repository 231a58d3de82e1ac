"""Seed a city (N communities × M people, default 1000 × 4000 = 4,000,000 people) into PostgreSQL, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fk_city FANGKONG_DATA_DIR=/tmp/fk-city \
        nice -n 5 .venv/bin/python bench/city_seed.py [--communities 1000] [--people 4000] [--workers 2] [--recreate]

Rows are made in Python exactly as the services make them (ID numbers and phones sealed with AES-GCM bound
to the row's `row_key`, blind index, masks; signed-pass numbers with their Luhn digit) and written with
PostgreSQL `COPY` by `--workers` processes, each taking chunks of 10 communities in its own transaction
(the encryption is CPU-bound; the server's side of COPY runs beside it). Foreign-key triggers are off
for the load (`session_replication_role = replica`: every id is computed, so the references hold by
construction) and the non-unique indexes of the big tables are dropped before and built after, which is
several times faster than keeping them up to date row by row. Ends with VACUUM ANALYZE, so the planner and
index-only scans see the data as a long-running server would.

Every id is arithmetic on the community's index (`Layout`), so `bench/morning_peak.py` can find pass
numbers and their holders' ID numbers without reading the database. The layout and the administrator's
API token are written to `FANGKONG_DATA_DIR/city.json`; the same data dir (its data key) must be given
to the servers that read the database.

Refuses a database that already has communities (`--recreate` drops and recreates it first).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTIES = ("370212", "370202", "370203", "370211", "370213", "370214", "370215", "370281",
            "420102", "420106", "371302", "410102", "341202", "230102", "130102", "511002")
# ID numbers: person index → (county, birth day, sequence) through a bijection of Z_SPACE per county,
# so 4 million people get distinct, valid numbers spread over 79 years of birth dates.
DAYS, SEQS = 29_000, 500
SPACE = DAYS * SEQS
MULT = 2_654_435_761  # odd, not divisible by 5 or 29: invertible modulo SPACE = 2^5·5^6·29
BIRTH0 = date(1941, 1, 1)
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
            "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬建国志海燕晓东春梅德胜宏文博子涵浩然欣怡梓萱雨泽"
RELATIONS = ("spouse", "child", "parent", "child", "grandchild")
CHUNK = 10  # communities per worker task (one transaction)


@dataclass(frozen=True)
class Layout:
    """Per-community counts; every id is `community index × count + k + 1`."""

    communities: int
    people: int
    communities_per_street: int = 10
    streets_per_district: int = 10
    grids: int = 8
    buildings_per_grid: int = 5
    gates: int = 2

    @property
    def streets(self) -> int:
        return -(-self.communities // self.communities_per_street)

    @property
    def districts(self) -> int:
        return -(-self.streets // self.streets_per_district)

    @property
    def buildings(self) -> int:
        return self.grids * self.buildings_per_grid

    @property
    def households(self) -> int:  # 2.86 people a household, as in the 2020 census for Qingdao
        return self.people * 7 // 20

    @property
    def floating(self) -> list[int]:
        return [p for p in range(self.people) if 90 <= p % 100 < 97]

    @property
    def passes(self) -> int:  # a resident pass for each household's head, a temporary pass for each floating person
        return self.households + len(self.floating)

    scans_per_100 = 20  # one day's gate scans: 0.2 a person
    visits_per_household = 0.5  # the current round has reached half of the doors
    observations_per_1000 = 5
    alerts_per_community = 5
    returnees_per_1000 = 8
    audit_per_1000 = 25

    def person_household(self, p: int) -> int:
        return p * self.households // self.people

    def category(self, p: int) -> str:
        r = p % 100
        return "registered" if r < 80 else "tenant" if r < 90 else "floating" if r < 97 else "unregistered"

    def street_office_id(self, street: int) -> int:
        return 2 + street

    def leader_id(self, ci: int) -> int:
        return 2 + self.streets + ci

    def guard_id(self, ci: int) -> int:
        return 2 + self.streets + self.communities + ci

    def gate_code(self, ci: int, k: int) -> str:
        return f"c{ci + 1:04d}-g{k + 1}"

    def pass_holder(self, k: int) -> int:
        """The person index (within the community) of the community's k-th pass."""
        if k < self.households:
            return self.household_head(k)
        return self.floating[k - self.households]

    def household_head(self, h: int) -> int:
        return -(-h * self.people // self.households)


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def pass_number(global_index: int) -> str:
    body = f"{1_000_000 + global_index}"
    return body + luhn_digit(body)


def identity(global_person: int) -> tuple[str, date, str]:
    """(ID number, birth date, sex) of the person with this global index."""
    from fangkong.core.identifiers import id_check_char

    county = COUNTIES[global_person % len(COUNTIES)]
    k = (global_person // len(COUNTIES)) * MULT % SPACE
    birth = BIRTH0 + timedelta(days=k // SEQS)
    seq = k % SEQS
    sex = "M" if seq % 2 else "F"
    first17 = f"{county}{birth:%Y%m%d}{seq + 1:03d}"
    return first17 + id_check_char(first17), birth, sex


def phone(global_person: int) -> str:
    return f"1{3 + global_person % 6}{global_person * 7919 % 10**9:09d}"


def id_number_of_pass_holder(layout: Layout, ci: int, k: int) -> str:
    return identity(ci * layout.people + layout.pass_holder(k))[0]


# --- COPY of model rows -----------------------------------------------------------------------------

class Table:
    """A model's columns in order, a row template from the model's defaults, and `row(**values)`."""

    def __init__(self, model, now: datetime):
        from django.db import models

        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self._pos = {f.attname: i for i, f in enumerate(fields)}
        blank = model()
        template = []
        for f in fields:
            value = getattr(blank, f.attname)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif isinstance(f, models.JSONField):
                value = json.dumps(value)
            elif isinstance(f, models.UUIDField):
                value = None  # row_key: drawn per row
            template.append(value)
        self.template = template

    def row(self, **values) -> list:
        r = list(self.template)
        pos = self._pos
        for k, v in values.items():
            r[pos[k]] = v
        return r

    def copy(self, cur, rows) -> int:
        n = 0
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with cur.copy(f'COPY "{self.name}" ({cols}) FROM STDIN') as cp:
            for r in rows:
                cp.write_row(r)
                n += 1
        return n


def models_map() -> dict:
    from fangkong.accounts.models import AuditEntry, ScopeGrant, User
    from fangkong.gates.models import Gate, Scan
    from fangkong.observation.models import Alert, FollowUp, Observation, ReturneeReport, Site
    from fangkong.passes.models import Pass
    from fangkong.registry.models import Building, Community, District, Grid, Household, Membership, Person, Street
    from fangkong.screening.models import Round, Visit, VisitPerson

    return {m.__name__: m for m in (User, ScopeGrant, AuditEntry, District, Street, Community, Grid, Building,
                                     Household, Person, Membership, Pass, Gate, Scan, Round, Visit, VisitPerson,
                                     Site, Observation, FollowUp, Alert, ReturneeReport)}


BIG = ("Household", "Person", "Membership", "Pass", "Scan", "Visit", "VisitPerson", "AuditEntry", "Observation",
       "FollowUp", "Alert", "ReturneeReport")


# --- one chunk of communities, in a worker process ----------------------------------------------------

_state: dict = {}


def _worker_init(conninfo: str, layout: dict, today: str) -> None:
    import django

    django.setup()
    import psycopg

    from fangkong.core import crypto

    now = datetime.now(UTC)
    _state.update(layout=Layout(**layout), today=date.fromisoformat(today), now=now,
                  key=crypto.current_key(), conninfo=conninfo,
                  tables={name: Table(m, now) for name, m in models_map().items()})
    conn = psycopg.connect(conninfo)
    conn.execute("SET session_replication_role = replica")
    conn.execute("SET synchronous_commit = off")
    _state["conn"] = conn


def _seal_parts(key, table: str, column: str):
    prefix = f"{table}.{column}#".encode()
    return lambda value, rk: key.encrypt(value, prefix + str(rk).encode())


def seed_chunk(cis: list[int]) -> tuple[int, int]:
    """Write communities `cis` (their places, people, passes, scans, visits, observations…) in one transaction."""
    from fangkong.core.identifiers import mask_id_number, mask_phone

    L: Layout = _state["layout"]
    T = _state["tables"]
    key = _state["key"]
    today: date = _state["today"]
    now: datetime = _state["now"]
    conn = _state["conn"]
    morning = datetime(today.year, today.month, today.day, 6, tzinfo=SHANGHAI)
    seal_id = _seal_parts(key, "registry_person", "id_number_encrypted")
    seal_phone = _seal_parts(key, "registry_person", "phone_encrypted")
    retain = today + timedelta(days=3 * 365)
    total = 0
    with conn.cursor() as cur:
        for ci in cis:
            rng = random.Random(ci)
            cid = ci + 1
            street = ci // L.communities_per_street
            H, M, B, G = L.households, L.people, L.buildings, L.grids
            hpb = -(-H // B)

            def grid_of_building(b: int, ci: int = ci, G: int = G) -> int:
                return ci * G + b // L.buildings_per_grid + 1

            def building_of(h: int, hpb: int = hpb, B: int = B) -> int:
                return min(h // hpb, B - 1)

            T["Community"].copy(cur, [T["Community"].row(
                id=cid, street_id=street + 1, code=f"C{cid:04d}", name=f"第{cid}社区",
                address=f"青岛市第{street + 1}街道第{cid}社区")])
            T["Grid"].copy(cur, (T["Grid"].row(id=ci * G + g + 1, community_id=cid, number=g + 1,
                                               name=f"第{g + 1}网格") for g in range(G)))
            T["Building"].copy(cur, (T["Building"].row(id=ci * B + b + 1, community_id=cid, grid_id=grid_of_building(b),
                                                       name=f"{b + 1}号楼") for b in range(B)))
            addresses = []
            hh_rows = []
            for h in range(H):
                b = building_of(h)
                k = h - b * hpb
                unit, room = f"{k // 12 + 1}单元", f"{(k % 12) // 2 + 1}0{k % 2 + 1}"
                address = f"第{cid}社区{b + 1}号楼{unit}{room}"
                addresses.append(address)
                hh_rows.append(T["Household"].row(id=ci * H + h + 1, community_id=cid, grid_id=grid_of_building(b),
                                                  building_id=ci * B + b + 1, unit=unit, room=room, address=address))
            total += T["Household"].copy(cur, hh_rows)

            person_rows, memberships, people = [], [], []
            for p in range(M):
                gp = ci * M + p
                h = L.person_household(p)
                idn, birth, sex = identity(gp)
                ph = phone(gp)
                rk = uuid.uuid4()
                id_hash = key.blind_index("id", idn)
                name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
                people.append((id_hash, mask_id_number(idn), name))
                person_rows.append(T["Person"].row(
                    id=gp + 1, community_id=cid, grid_id=grid_of_building(building_of(h)), household_id=ci * H + h + 1,
                    name=name, sex=sex, birth_date=birth, row_key=rk, id_number_encrypted=seal_id(idn, rk),
                    id_number_hash=id_hash, id_number_masked=people[-1][1], phone_encrypted=seal_phone(ph, rk),
                    phone_hash=key.blind_index("phone", ph), phone_masked=mask_phone(ph), category=L.category(p),
                    retain_until=retain))
                head = p == L.household_head(h)
                memberships.append(T["Membership"].row(
                    id=gp + 1, person_id=gp + 1, household_id=ci * H + h + 1, community_id=cid,
                    relation="head" if head else "tenant" if L.category(p) == "tenant" else RELATIONS[p % 5],
                    start_date=today - timedelta(days=30 + p % 3000)))
            total += T["Person"].copy(cur, person_rows)
            total += T["Membership"].copy(cur, memberships)

            P = L.passes
            pass_rows = []
            for k in range(P):
                p = L.pass_holder(k)
                resident = k < H
                pass_rows.append(T["Pass"].row(
                    id=ci * P + k + 1, community_id=cid, number=pass_number(ci * P + k),
                    kind="resident" if resident else "temporary", person_id=ci * M + p + 1,
                    household_id=ci * H + L.person_household(p) + 1, valid_from=today - timedelta(days=20),
                    valid_until=today + timedelta(days=(60 if resident else 30)), issued_by_id=1))
            total += T["Pass"].copy(cur, pass_rows)

            T["Gate"].copy(cur, (T["Gate"].row(id=ci * L.gates + g + 1, community_id=cid, code=L.gate_code(ci, g),
                                               name=f"{g + 1}号门") for g in range(L.gates)))
            S = M * L.scans_per_100 // 100
            scans = []
            for s in range(S):
                k = (s * 7) % P
                at = morning + timedelta(seconds=s * 57_600 // S)
                scans.append(T["Scan"].row(
                    id=ci * S + s + 1, community_id=cid, gate_id=ci * L.gates + s % L.gates + 1,
                    pass_ref_id=ci * P + k + 1, person_id=ci * M + L.pass_holder(k) + 1, guard_id=L.guard_id(ci),
                    device="bench", at=at, scanned_at=at, direction="out" if s % 2 == 0 else "in",
                    temperature=Decimal("36.4") + Decimal(s % 5) / 10, decision="allow", reasons="[]"))
            total += T["Scan"].copy(cur, scans)

            T["Round"].copy(cur, [T["Round"].row(
                id=cid, community_id=cid, name="第一轮入户排查", starts_on=today - timedelta(days=3),
                deadline=today + timedelta(days=4), created_by_id=L.leader_id(ci))])
            V = int(H * L.visits_per_household)
            visits, visit_people = [], []
            for v in range(V):
                h = v * 2
                at = morning + timedelta(hours=2, seconds=v * 30)
                visits.append(T["Visit"].row(
                    id=ci * V + v + 1, round_id=cid, community_id=cid, grid_id=grid_of_building(building_of(h)),
                    household_id=ci * H + h + 1, worker_id=L.leader_id(ci), at=at, outcome="seen",
                    handouts='["notice", "knowledge"]'))
                visit_people.append(T["VisitPerson"].row(id=ci * V + v + 1, visit_id=ci * V + v + 1,
                                                         person_id=ci * M + L.household_head(h) + 1,
                                                         temperature=Decimal("36.5")))
            total += T["Visit"].copy(cur, visits)
            total += T["VisitPerson"].copy(cur, visit_people)

            n_obs = M * L.observations_per_1000 // 1000
            obs, fups, alerts = [], [], []
            for o in range(n_obs):
                p = o * (M // n_obs) + 91  # floating people (index % 100 in 90..96) came back from elsewhere
                h = L.person_household(p)
                start = today - timedelta(days=o % 14)
                oid = ci * n_obs + o + 1
                grid_id = grid_of_building(building_of(h))
                obs.append(T["Observation"].row(
                    id=oid, community_id=cid, grid_id=grid_id, person_id=ci * M + p + 1,
                    kind="home", start=start, planned_end=start + timedelta(days=14), opened_at=now,
                    responsible_id=L.leader_id(ci), reason="返回人员", created_by_id=L.leader_id(ci)))
                for slot in (0, 1):
                    fups.append(T["FollowUp"].row(
                        id=(ci * n_obs + o) * 2 + slot + 1, observation_id=oid,
                        at=morning + timedelta(hours=2 + 6 * slot),
                        day=today, slot=slot + 1, temperature=Decimal("36.6"), recorded_by_id=L.leader_id(ci)))
                if o < L.alerts_per_community:
                    alerts.append(T["Alert"].row(
                        id=ci * L.alerts_per_community + o + 1, community_id=cid, grid_id=grid_id,
                        observation_id=oid, person_id=ci * M + p + 1, kind="fever", temperature=Decimal("37.6"),
                        responsible_id=L.leader_id(ci), day=today, raised_at=now - timedelta(minutes=o),
                        followup_id=(ci * n_obs + o) * 2 + 1))
            total += T["Observation"].copy(cur, obs)
            total += T["FollowUp"].copy(cur, fups)
            total += T["Alert"].copy(cur, alerts)

            R = M * L.returnees_per_1000 // 1000
            reports = []
            for r in range(R):
                p = r * (M // R) + 92
                id_hash, id_masked, name = people[p]
                reports.append(T["ReturneeReport"].row(
                    id=ci * R + r + 1, community_id=cid, household_id=ci * H + L.person_household(p) + 1,
                    person_id=ci * M + p + 1, name=name, row_key=uuid.uuid4(), id_number_hash=id_hash,
                    id_number_masked=id_masked, from_place="武汉市", arrival_date=today - timedelta(days=r % 14),
                    address=addresses[L.person_household(p)], via="landlord",
                    status="confirmed" if r % 3 else "pending", reported_at=now - timedelta(hours=r)))
            total += T["ReturneeReport"].copy(cur, reports)

            A = M * L.audit_per_1000 // 1000
            total += T["AuditEntry"].copy(cur, (T["AuditEntry"].row(
                id=1000 + ci * A + a, at=now - timedelta(minutes=a * 7), actor_id=L.leader_id(ci),
                actor_username=f"leader{cid}", action=("create", "update", "reveal")[a % 3], object_type="person",
                object_id=str(ci * M + a * 37 % M + 1), community_id=cid, fields='["name"]') for a in range(A)))
        conn.commit()
    return len(cis), total


# --- the parent: checks, small tables, indexes, the pool ----------------------------------------------

def _conninfo() -> str:
    return os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)


def _recreate(conninfo: str) -> None:
    import psycopg

    dbname = conninfo.rsplit("/", 1)[1].split("?")[0]
    admin = conninfo.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{dbname}"')


def _indexes_to_rebuild(cur, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of `tables` that no constraint owns: dropped for the load, built after."""
    cur.execute("""
        SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""", [tables])
    return cur.fetchall()


def check(layout: Layout) -> None:
    """Read a few rows back through the models: the ciphertexts open for their row, the blind index finds
    the person, pass numbers carry the app's check digit, and the layout's arithmetic names the right
    holder (what morning_peak.py relies on). Raises on a mismatch."""
    from fangkong.core.identifiers import luhn_digit as app_luhn
    from fangkong.passes.models import Pass
    from fangkong.registry.models import Person

    rng = random.Random(7)
    for _ in range(5):
        ci, k = rng.randrange(layout.communities), rng.randrange(layout.passes)
        p = Pass.objects.select_related("person").get(pk=ci * layout.passes + k + 1)
        assert p.number == pass_number(ci * layout.passes + k) and p.number[-1] == app_luhn(p.number[:-1])
        number = id_number_of_pass_holder(layout, ci, k)
        assert p.person.id_number == number, (p.pk, number)
        assert Person.objects.by_id_number(number).get().pk == p.person_id
        assert p.person.phone == phone(p.person_id - 1)
    print("checked: identifiers open for their rows, blind index, pass numbers and holders", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--communities", type=int, default=1000)
    ap.add_argument("--people", type=int, default=4000, help="people a community (a multiple of 100)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--recreate", action="store_true", help="drop and recreate the database first")
    args = ap.parse_args()
    conninfo = _conninfo()
    started = time.monotonic()
    if args.recreate:
        _recreate(conninfo)

    import django

    django.setup()
    import psycopg
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from fangkong.accounts.models import User
    from fangkong.accounts.roles import Role
    from fangkong.accounts.services import token_create, user_create
    from fangkong.registry.services import tags_ensure

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # as `fangkong migrate` does: the cache without Redis
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM registry_community")
        existing = c.fetchone()[0]
    if existing:
        print(f"refusing: {connection.settings_dict['NAME']} already has {existing} communities "
              "(drop it, or run with --recreate)", file=sys.stderr)
        return 2
    layout = Layout(args.communities, args.people)
    print(f"seeding {layout.communities} communities × {layout.people} people = "
          f"{layout.communities * layout.people:,} people into {connection.settings_dict['NAME']} "
          f"({args.workers} workers); migrated in {time.monotonic() - started:.0f} s", flush=True)
    tags_ensure()
    admin = user_create(username="admin", password="fangkong2020", role=Role.ADMINISTRATOR, is_staff=True)  # noqa: S106
    assert admin.pk == 1, "the layout expects the administrator to be user 1"
    today = datetime.now(SHANGHAI).date()
    now = datetime.now(UTC)
    M = models_map()
    T = {name: Table(m, now) for name, m in M.items()}
    password = make_password("fangkong2020")

    conn = psycopg.connect(conninfo)
    conn.execute("SET session_replication_role = replica")
    with conn.cursor() as cur:
        T["District"].copy(cur, (T["District"].row(id=d + 1, code=f"D{d + 1:03d}", name=f"第{d + 1}区", city="青岛市")
                                 for d in range(layout.districts)))
        T["Street"].copy(cur, (T["Street"].row(id=s + 1, district_id=s // layout.streets_per_district + 1,
                                               code=f"S{s + 1:04d}", name=f"第{s + 1}街道")
                               for s in range(layout.streets)))
        T["Site"].copy(cur, (T["Site"].row(id=s + 1, street_id=s + 1, name=f"第{s + 1}街道隔离点", capacity=200)
                             for s in range(layout.streets)))
        users, grants = [], []

        def user(uid: int, username: str, role: str, display: str) -> None:
            users.append(T["User"].row(id=uid, password=password, username=username, role=role, display_name=display,
                                       date_joined=now, is_active=True))

        for s in range(layout.streets):
            user(layout.street_office_id(s), f"street{s + 1}", Role.STREET_OFFICE, f"街道{s + 1}")
            grants.append(dict(user_id=layout.street_office_id(s), street_id=s + 1))
        for ci in range(layout.communities):
            user(layout.leader_id(ci), f"leader{ci + 1}", Role.COMMUNITY_LEADER, f"书记{ci + 1}")
            user(layout.guard_id(ci), f"guard{ci + 1}", Role.GUARD, f"门卫{ci + 1}")
            grants += [dict(user_id=layout.leader_id(ci), community_id=ci + 1),
                       dict(user_id=layout.guard_id(ci), community_id=ci + 1)]
        T["User"].copy(cur, users)
        T["ScopeGrant"].copy(cur, (T["ScopeGrant"].row(id=i + 2, **g) for i, g in enumerate(grants)))
        big = [M[n]._meta.db_table for n in BIG]
        rebuild = _indexes_to_rebuild(cur, big)
        for name, _definition in rebuild:
            cur.execute(f'DROP INDEX "{name}"')
    conn.commit()
    print(f"dropped {len(rebuild)} indexes for the load", flush=True)

    chunks = [list(range(i, min(i + CHUNK, layout.communities))) for i in range(0, layout.communities, CHUNK)]
    done = rows = 0
    t0 = time.monotonic()
    connection.close()  # the workers open their own
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.workers, initializer=_worker_init,
                  initargs=(conninfo, asdict(layout), today.isoformat())) as pool:
        for n, r in pool.imap_unordered(seed_chunk, chunks):
            done += n
            rows += r
            el = time.monotonic() - t0
            print(f"  {done}/{layout.communities} communities, {rows:,} rows, {el:.0f} s "
                  f"({el / done * 100:.1f} s per 100 communities)", flush=True)
    t_rows = time.monotonic() - t0

    t1 = time.monotonic()
    conn.execute("SET maintenance_work_mem = '512MB'")
    for name, definition in rebuild:
        t = time.monotonic()
        conn.execute(definition)
        conn.commit()
        if time.monotonic() - t > 5:
            print(f"  index {name}: {time.monotonic() - t:.0f} s", flush=True)
    t_index = time.monotonic() - t1
    with conn.cursor() as cur:
        for m in M.values():
            table = m._meta.db_table  # names from the models, not from input
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f'GREATEST((SELECT max(id) FROM "{table}"), 1))')
    conn.commit()
    conn.autocommit = True
    t2 = time.monotonic()
    conn.execute("VACUUM (ANALYZE)")
    t_vacuum = time.monotonic() - t2
    size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    conn.close()

    check(layout)
    token = token_create(user=User.objects.get(pk=1), name="city-bench")
    data_dir = Path(os.environ.get("FANGKONG_DATA_DIR", "fangkong-data"))
    (data_dir / "city.json").write_text(json.dumps({"layout": asdict(layout), "token": token,
                                                    "today": today.isoformat()}))
    total = time.monotonic() - started
    print(f"rows {t_rows:.0f} s, indexes {t_index:.0f} s, vacuum analyze {t_vacuum:.0f} s; total {total:.0f} s "
          f"({total / 60:.1f} min); database {size / 2**30:.2f} GiB; {rows:,} rows")
    print(f"administrator token in {data_dir / 'city.json'}; logins admin / street1… / leader1… / guard1…, "
          "password fangkong2020")
    return 0


if __name__ == "__main__":
    sys.exit(main())
