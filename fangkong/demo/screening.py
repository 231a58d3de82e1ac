"""Demo screening rounds, returnee reports and medical observation for 孙家下庄社区.

Dates are relative to today, so the demo always looks current: the second door-to-door round is in
progress (grids 1–3 done, 4–6 partly), landlords' returnee reports await the office, about 40 people
are under home or centralised observation with twice-daily follow-ups, a few missed follow-ups and
one fever. Everything is synthetic, seeded, and goes through the real services.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.identifiers import id_check_char
from fangkong.demo.synthetic import Generator
from fangkong.observation.models import Alert, Observation, ReturneeReport
from fangkong.observation.returnees import (
    ReportData,
    landlord_tenancies,
    link_issue,
    report_by_link,
    report_confirm,
    report_reject,
)
from fangkong.observation.services import (
    alert_close,
    followup_record,
    missed_followups_sweep,
    observation_end,
    observation_start,
    site_create,
)
from fangkong.registry.models import Community, Household, Membership, Person, Tenancy
from fangkong.registry.validation import person_data_from
from fangkong.screening.models import Round, Visit
from fangkong.screening.services import MemberCheck, NewPerson, round_close, round_create, visit_record

ROUND_NAME = "第二轮入户排查"
FIRST_ROUND_NAME = "第一轮入户排查"
SITE_NAME = "崂山区集中医学观察点（某酒店）"
KEY_PLACES = ["湖北省武汉市", "湖北省孝感市", "湖北省黄冈市", "湖北省荆州市"]
HANDOUTS = [Visit.Handout.NOTICE, Visit.Handout.KNOWLEDGE, Visit.Handout.CONTACT_CARD]
# Counties for the ID numbers of people who are not yet in the registry.
# Older than this, in days, to be the household's traveller (the days from 2000-01-01 to 2020-01-01, when
# the demo was first written: the same people travel whatever the day).
ADULT_DAYS = 7305
COUNTY_OF = {"湖北省孝感市": "420902", "湖北省黄冈市": "421102", "湖北省武汉市": "420106", "山东省济南市": "370102",
             "安徽省阜阳市": "341202", "河南省郑州市": "410102", "山东省临沂市": "371302"}


def load_screening_demo(*, admin: User, community: Community) -> None:
    """Screening, returnees and observation for the demo community; does nothing if already loaded."""
    if Round.objects.filter(community=community, name=ROUND_NAME).exists():
        return
    with transaction.atomic():
        demo = _Demo(admin, community)
        demo.first_round()
        demo.second_round()
        demo.returnee_reports()
        demo.observations()
        missed_followups_sweep(community_ids=[community.id])


def _at(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))


def _working_minutes(rng: random.Random) -> int:
    """A time in a grid worker's day: 08:30–11:50 or 14:00–18:20, in minutes after midnight."""
    return rng.randrange(510, 710) if rng.random() < 0.5 else rng.randrange(840, 1100)


class _Demo:
    def __init__(self, admin: User, community: Community) -> None:
        self.admin, self.community = admin, community
        self.rng = random.Random(20200210)
        self.gen = Generator(seed=314)
        self.today = timezone.localdate()
        self.now = timezone.now()
        # One User object per login: the scope is cached on it.
        self.office = User.objects.get(username="office1")
        self.workers = {n: User.objects.get(username=f"grid{n}") for n in range(1, 7)}
        self.grids = {g.number: g for g in community.grids.all()}
        self.grid_number = {g.id: n for n, g in self.grids.items()}
        self.members: dict[int, list[Person]] = defaultdict(list)
        for p in Person.objects.filter(community=community, household__isnull=False).order_by("household_id", "id"):
            self.members[p.household_id].append(p)
        self.households: dict[int, list[Household]] = defaultdict(list)
        for hh in Household.objects.filter(community=community, id__in=list(self.members)).order_by("id"):
            self.households[self.grid_number[hh.grid_id]].append(hh)
        self.landlord_of = dict(Tenancy.objects.filter(community=community, end_date__isnull=True)
                                .values_list("household_id", "landlord_id"))
        self.used_ids: set[str] = set()
        self.reserved: set[int] = set()  # people the demo already gave a part to
        self.key_area_people: list[tuple[Person, str, date]] = []
        self.followup_seq = 0

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def new_id_number(self, place: str, *, sex: str, min_age: int = 20, max_age: int = 55) -> str:
        """A valid resident ID number (GB 11643 check character) nobody in the registry holds."""
        county = COUNTY_OF[place]
        while True:
            birth = self.today - timedelta(days=self.rng.randrange(min_age * 365, max_age * 365))
            first17 = f"{county}{birth:%Y%m%d}{self.rng.randrange(0, 500) * 2 + (sex == 'M'):03d}"
            number = first17 + id_check_char(first17)
            if number not in self.used_ids and not Person.objects.by_id_number(number).exists():
                self.used_ids.add(number)
                return number

    def temperature(self, rng: random.Random | None = None) -> Decimal:
        return Decimal((rng or self.rng).randrange(360, 372)) / 10

    # -- screening ---------------------------------------------------------------------------------

    def checks_for(self, household: Household) -> list[MemberCheck]:
        checks = []
        for p in self.members[household.id]:
            # Now and then a member is at work or away: recorded as not present.
            present = self.rng.random() > 0.03
            checks.append(MemberCheck(person_id=p.id, present=present,
                                      temperature=self.temperature() if present else None))
        return checks

    def first_round(self) -> None:
        """A closed earlier round over the first grid: every household seen, three weeks ago."""
        rnd = round_create(actor=self.office, community=self.community, name=FIRST_ROUND_NAME,
                           starts_on=self.day(-20), deadline=self.day(-14), grids=[self.grids[1]])
        worker = self.workers[1]
        plan = sorted(((_at(self.day(self.rng.randint(-20, -15)), _working_minutes(self.rng)), hh)
                       for hh in self.households[1]), key=lambda v: (v[0], v[1].id))
        for at, hh in plan:
            visit_record(actor=worker, rnd=rnd, household=hh, outcome=Visit.Outcome.SEEN, at=at,
                         checks=self.checks_for(hh), handouts=[Visit.Handout.NOTICE, Visit.Handout.LANTERN],
                         via="demo")
        round_close(actor=self.office, rnd=rnd)
        Round.objects.filter(pk=rnd.pk).update(closed_at=_at(self.day(-14), 18 * 60))

    def second_round(self) -> None:
        rnd = round_create(actor=self.office, community=self.community, name=ROUND_NAME, starts_on=self.day(-5),
                           deadline=self.day(2))
        rng = self.rng
        plan: list[tuple[int, Household, str]] = []  # (day offset, household, outcome)
        for n in (1, 2, 3):  # complete
            for hh in self.households[n]:
                plan.extend(self.seen_eventually(hh, last=-1))
        for n in (4, 5, 6):  # in progress
            households = rng.sample(self.households[n], len(self.households[n]))
            seen = round(len(households) * rng.uniform(0.62, 0.78))
            for hh in households[:seen]:
                plan.extend(self.seen_eventually(hh, last=0))
            rest = households[seen:]
            plan.append((rng.randint(-4, -1), rest[0], Visit.Outcome.REFUSED))
            for hh in rest[1:1 + len(rest) // 4]:
                plan.append((rng.randint(-4, 0), hh, Visit.Outcome.NOBODY_HOME))
        # Travellers back from key areas, and an unregistered tenant found in a rented room.
        seen_visits = [i for i, (_d, _hh, outcome) in enumerate(plan) if outcome == Visit.Outcome.SEEN]
        travellers = set(rng.sample(seen_visits, 6))
        rented = next(i for i in seen_visits if plan[i][1].id in self.landlord_of
                      and self.grid_number[plan[i][1].grid_id] == 2)
        travellers.discard(rented)

        # Decide everything in plan order first, so the same seed gives the same demo at any time of day.
        timed = []
        for i, (offset, hh, outcome) in enumerate(plan):
            at = _at(self.day(offset), _working_minutes(rng))
            if at > self.now - timedelta(minutes=10):  # later today: it happened yesterday instead
                at -= timedelta(days=1)
            kw: dict = {"handouts": [], "note": ""}
            if outcome == Visit.Outcome.SEEN:
                kw["checks"] = self.checks_for(hh)
                kw["handouts"] = HANDOUTS + ([Visit.Handout.MASKS] if rng.random() < 0.3 else [])
                if i in travellers:
                    kw["checks"] = self.traveller(hh, kw["checks"], at)
                if i == rented:
                    kw["new_people"] = [self.unregistered_tenant(hh)]
                    kw["note"] = "发现未登记租户一名，已现场登记并告知房东"
            elif outcome == Visit.Outcome.NOBODY_HOME:
                kw["note"] = rng.choice(["敲门无人应答，已留联系卡", "家中无人，电话未接通", "邻居称外出务工，待回访"])
                kw["handouts"] = [Visit.Handout.CONTACT_CARD]
            else:
                kw["note"] = "住户拒绝开门配合排查，已报社区，待两委委员陪同回访"
            timed.append((at, hh, outcome, kw))
        for at, hh, outcome, kw in sorted(timed, key=lambda v: (v[0], v[1].id)):
            worker = self.workers[self.grid_number[hh.grid_id]]
            visit_record(actor=worker, rnd=rnd, household=hh, outcome=outcome, at=at, via="demo", **kw)

    def seen_eventually(self, hh: Household, *, last: int) -> list[tuple[int, Household, str]]:
        """Seen on one day of the round; now and then nobody was home the first time."""
        if self.rng.random() < 0.06:
            first = self.rng.randint(-5, min(last - 1, -2))  # a day before any visit moved to yesterday
            return [(first, hh, Visit.Outcome.NOBODY_HOME), (self.rng.randint(first + 1, last), hh, Visit.Outcome.SEEN)]
        return [(self.rng.randint(-5, last), hh, Visit.Outcome.SEEN)]

    def traveller(self, hh: Household, checks: list[MemberCheck], at: datetime) -> list[MemberCheck]:
        adult = self.today - timedelta(days=ADULT_DAYS)
        person = max(self.members[hh.id], key=lambda p: (p.birth_date is not None and p.birth_date < adult, -p.id))
        place = self.rng.choice(KEY_PLACES)
        returned = timezone.localtime(at).date() - timedelta(days=self.rng.randint(1, 6))
        for c in checks:
            if c.person_id == person.id:
                c.present, c.temperature = True, self.temperature()
                c.key_area_travel, c.travel_place, c.returned_on = True, place, returned
        self.key_area_people.append((person, place, returned))
        self.reserved.add(person.id)
        return checks

    def unregistered_tenant(self, hh: Household) -> NewPerson:
        data = person_data_from({
            "name": self.gen.name(), "id_type": "身份证", "id_number": self.new_id_number("安徽省阜阳市", sex="M"),
            "phone": self.gen.phone(), "category": "流动人口", "workplace": "快递网点",
        })
        return NewPerson(data=data, relation=Membership.Relation.TENANT, landlord_id=self.landlord_of[hh.id],
                         check=MemberCheck(person_id=0, temperature=self.temperature()))

    # -- returnees ---------------------------------------------------------------------------------

    def returnee_reports(self) -> None:
        landlord_ids = sorted(set(self.landlord_of.values()))
        landlords = list(Person.objects.filter(id__in=landlord_ids[3::len(landlord_ids) // 5][:5]).order_by("id"))
        links = [link_issue(actor=self.office, person=lo, kind="landlord")[0] for lo in landlords]
        tenants = {link.pk: [t for t in landlord_tenancies(link) if t.tenant_id not in self.reserved]
                   for link in links}
        homes = {link.pk: Tenancy.objects.filter(landlord=link.person).order_by("id").first().household
                 for link in links}

        def report(k: int, place: str, arrival: int, transport: str, *, new: bool = False):
            link = links[k]
            if new:
                home = homes[link.pk]
                sex = self.rng.choice("MF")
                data = ReportData(from_place=place, arrival_date=self.day(arrival), transport=transport,
                                  name=self.gen.name(), id_number=self.new_id_number(place, sex=sex),
                                  phone=self.gen.phone(), household_id=home.id)
            else:
                tenancy = tenants[link.pk].pop()
                self.reserved.add(tenancy.tenant_id)
                data = ReportData(from_place=place, arrival_date=self.day(arrival), transport=transport,
                                  person_id=tenancy.tenant_id, phone=self.gen.phone())
            return report_by_link(link=link, data=data)

        # Reported earlier and confirmed: returns from Hubei put the tenants under home observation.
        for k, place, arrival in [(4, "湖北省武汉市", -11), (2, "湖北省孝感市", -9), (1, "湖北省黄冈市", -6)]:
            r = report(k, place, arrival, "自驾")
            r = report_confirm(actor=self.office, report=r, via="demo")
            # Simulates a report made the day before arrival and confirmed on arrival, when the
            # observation was entered: the services stamp all three with the present time.
            ReturneeReport.objects.filter(pk=r.pk).update(reported_at=_at(self.day(arrival - 1), 19 * 60),
                                                          decided_at=_at(self.day(arrival), 9 * 60))
            self.backdate(r.observation)
            self.followups(r.observation)
        # Awaiting the office.
        report(0, "湖北省孝感市", -3, "自驾")
        report(0, "山东省济南市", 2, "高铁", new=True)
        report(1, "山东省济南市", -1, "长途客车")
        report(1, "湖北省孝感市", 3, "自驾", new=True)
        report(2, "河南省郑州市", 0, "高铁")
        report(3, "湖北省黄冈市", 4, "自驾", new=True)
        report(3, "山东省临沂市", -2, "长途客车")
        report(4, "安徽省阜阳市", 1, "火车", new=True)
        # A landlord reported the same tenant twice: the office rejected the second report.
        duplicate = ReturneeReport.objects.filter(link=links[0], person__isnull=False).order_by("id").first()
        again = report_by_link(link=links[0], data=ReportData(
            from_place=duplicate.from_place, arrival_date=duplicate.arrival_date, transport="自驾",
            person_id=duplicate.person_id))
        report_reject(actor=self.office, report=again, reason="重复上报", via="demo")

    # -- observation -------------------------------------------------------------------------------

    def backdate(self, obs: Observation) -> None:
        """observation_start stamps `opened_at` with the present time, so slots before it never count as
        missed. This simulates observations entered on their start day, at 08:00."""
        opened = min(_at(obs.start, 8 * 60), self.now)
        Observation.objects.filter(pk=obs.pk).update(opened_at=opened)
        obs.opened_at = opened

    def start(self, person: Person, kind: str, offset: int, reason: str, *, room: str = "") -> Observation:
        self.reserved.add(person.id)
        obs = observation_start(actor=self.office, person=person, kind=kind, start=self.day(offset),
                                site=self.site if kind == Observation.Kind.CENTRALISED else None, room=room,
                                reason=reason, via="demo")
        self.backdate(obs)
        return obs

    def followups(self, obs: Observation, *, skip: set[tuple[date, int]] = frozenset(),
                  fever: tuple[Decimal, list[str]] | None = None, until: date | None = None) -> None:
        """Twice-daily checks by the responsible worker, one in the morning and one in the evening, for
        the slots whose time has come; `fever` makes the last one a fever."""
        # Each observation draws from its own generator: how many slots have passed depends on the hour.
        self.followup_seq += 1
        rng = random.Random(self.followup_seq)
        last = min(self.today, obs.planned_end - timedelta(days=1), until or self.today)
        due, day = [], obs.start
        while day <= last:
            for slot, (lo, hi) in enumerate(((480, 690), (960, 1200))):
                at, temp = _at(day, rng.randrange(lo, hi)), self.temperature(rng)
                if at <= self.now - timedelta(minutes=1) and (day, slot) not in skip:
                    due.append((at, temp))
            day += timedelta(days=1)
        for i, (at, temp) in enumerate(due):
            temp, symptoms = fever if fever and i == len(due) - 1 else (temp, [])
            followup_record(actor=obs.responsible, obs=obs, temperature=temp, symptoms=symptoms, at=at, via="demo")

    def observations(self) -> None:
        rooms = [str(r) for r in range(101, 131)]
        self.site = site_create(actor=self.admin, street=self.community.street, name=SITE_NAME, capacity=60,
                                address="青岛市崂山区中韩街道（集中隔离酒店）", rooms=rooms)
        rng = self.rng
        pool = [p for hh in sorted(self.members) for p in self.members[hh] if p.id not in self.reserved]
        floating = [p for p in pool if p.category == Person.Category.FLOATING]
        residents = [p for p in pool if p.category != Person.Category.FLOATING]
        centralised = rng.sample(floating, 11)
        home = rng.sample(residents, 26)

        # Earlier observations that have ended: four completed, one sent to hospital with a fever.
        for i, offset in enumerate((-20, -18, -17, -15)):
            kind = Observation.Kind.CENTRALISED if i == 0 else Observation.Kind.HOME
            obs = self.start(centralised.pop() if i == 0 else home.pop(), kind, offset, "外省返青人员医学观察",
                             room="130" if i == 0 else "")
            self.followups(obs)
            observation_end(actor=self.office, obs=obs, status=Observation.Status.COMPLETED, via="demo")
            Observation.objects.filter(pk=obs.pk).update(ended_at=_at(obs.planned_end, 9 * 60))
        obs = self.start(home.pop(), Observation.Kind.HOME, -10, "湖北返青人员居家医学观察")
        self.followups(obs, until=self.day(-4), fever=(Decimal("38.2"), ["fever", "cough"]))
        alert = Alert.objects.get(observation=obs, kind=Alert.Kind.FEVER)
        alert_close(actor=self.office, alert=alert, action="已联系120转送区定点医院发热门诊")
        Alert.objects.filter(pk=alert.pk).update(acknowledged_at=alert.raised_at + timedelta(minutes=10),
                                                 closed_at=alert.raised_at + timedelta(minutes=40))
        observation_end(actor=self.office, obs=obs, status=Observation.Status.TRANSFERRED,
                        reason="发热38.2℃伴咳嗽，转送定点医院", via="demo")
        Observation.objects.filter(pk=obs.pk).update(ended_at=_at(self.day(-4), 21 * 60))

        # Under observation now: the key-area travellers found at the door (home) ...
        for person, place, returned in self.key_area_people:
            obs = self.start(person, Observation.Kind.HOME, (returned - self.today).days,
                             f"入户排查发现：{returned:%m月%d日}自{place}返回")
            self.followups(obs)
        # ... centralised returnees and contacts in the site's rooms ...
        for room, person in zip(rng.sample(rooms[:29], len(centralised)), centralised, strict=True):
            reason = rng.choice(["湖北返青人员集中医学观察", "确诊病例密切接触者", "外省返青无固定住所"])
            obs = self.start(person, Observation.Kind.CENTRALISED, rng.randint(-13, 0), reason, room=room)
            self.followups(obs)
        # ... and people at home, some of whose follow-ups were missed, one with a fever today.
        home_obs = []
        for person in home:
            reason = rng.choice(["外省返青人员居家医学观察", "确诊病例密切接触者的同住人", "湖北返青人员居家医学观察"])
            home_obs.append(self.start(person, Observation.Kind.HOME, rng.randint(-13, 0), reason))
        early = [o for o in home_obs if o.start <= self.day(-3)]
        missed = {
            early[0].pk: {(self.day(-1), 1)},
            early[1].pk: {(self.day(-2), 0), (self.day(-2), 1)},
            early[2].pk: {(self.day(-3), 1)},
            early[3].pk: {(self.day(-1), 0), (self.day(-3), 0)},
        }
        for obs in home_obs:
            self.followups(obs, skip=missed.get(obs.pk, set()),
                           fever=(Decimal("37.8"), ["fever"]) if obs is early[4] else None)
