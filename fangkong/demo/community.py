"""The demo community 孙家下庄社区 (中韩街道, 崂山区, 青岛), loaded once by `fangkong demo`.

Everything is synthetic. The registry goes in through the real import service, the working group
and policy through their services, so the demo exercises the same code as production.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.demo.gates import load_gate_demo
from fangkong.demo.helpdesk import load_helpdesk_demo
from fangkong.demo.ledgers import load_ledgers_demo
from fangkong.demo.meetings import load_meetings_demo
from fangkong.demo.notices import load_notices_demo
from fangkong.demo.reports import load_reports_demo
from fangkong.demo.sanitation import load_sanitation_demo
from fangkong.demo.screening import load_screening_demo
from fangkong.demo.shops import load_shops_demo
from fangkong.demo.supplies import load_supplies_demo
from fangkong.demo.synthetic import Generator, community_rows, write_csv
from fangkong.demo.verification import load_verification_demo
from fangkong.demo.volunteers import load_volunteers_demo
from fangkong.gates.models import Gate
from fangkong.policy.services import policy_set
from fangkong.registry.importing import import_people
from fangkong.registry.models import Community, Grid, Household, Merchant, Street
from fangkong.registry.services import places_ensure, tags_ensure
from fangkong.workgroup.models import Member
from fangkong.workgroup.services import liaison_assign, member_add, working_group_create

DEMO_CODE = "SJXZ"
DEMO_NAME = "孙家下庄社区"
DEMO_PASSWORD = "fangkong2020"  # noqa: S105 -- printed by `fangkong demo` on purpose

# The story's calendar in days from the day the demo is loaded, so the demo always lives in the present
# (every other date in gates.py and screening.py counts from that day too): the working group formed a month
# ago, the observation rule and the street's notice on resuming work soon after, and work resumes in two
# weeks, after the returnees the landlords report (arriving up to four days ahead).
GROUP_FORMED = -31
OBSERVATION_RULE_FROM = -30
RESUMPTION_NOTICE_FROM = -27
WORK_RESUMES = 14

# The people behind the demo logins and the working group, in the order their names are drawn: a login
# that is a person shows that person's name, the same as their member entry.
STAFF = ("secretary", "director", "committee1", "committee2", "committee3", "committee4", "office1", "office2",
         *(f"grid{n}" for n in range(1, 7)), "safety1", "safety2", *(f"guard{n}" for n in range(1, 5)),
         "volunteer1", "street")


def staff_names() -> dict[str, str]:
    """A distinct synthetic name for each of STAFF, the same on every load."""
    gen, names = Generator(seed=7), {}
    for key in STAFF:
        name = gen.name()
        while name in names.values():
            name = gen.name()
        names[key] = name
    return names

def demo_loaded() -> bool:
    return Community.objects.filter(code=DEMO_CODE).exists()


def load_demo(*, progress=None) -> dict[str, str]:
    """Create the demo community, its people, working group, gates and logins. Returns the logins."""
    tags_ensure()
    community = places_ensure(community_code=DEMO_CODE, community_name=DEMO_NAME)
    street = community.street
    grids = list(community.grids.order_by("number"))
    admin = user_create(username="admin", password=DEMO_PASSWORD, role=Role.ADMINISTRATOR,
                        display_name="系统管理员", is_staff=True)
    gen = Generator(seed=2020)
    rows = community_rows(gen=gen, community_name=community.name, grids=6, households=750, residents=3000,
                          landlords=120, tenants=490)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(rows, Path(tmp) / "demo.csv")
        result = import_people(actor=admin, community=community, path=path, progress=progress, via="demo")
    if not result.ok:
        raise RuntimeError(f"demo import failed: {result.errors[:3]}")

    today = timezone.localdate()
    resumes = today + timedelta(days=WORK_RESUMES)
    names = staff_names()
    with transaction.atomic():
        logins = _users(community, street, grids, names)
        _working_group(admin, community, grids, logins, names, formed=today + timedelta(days=GROUP_FORMED))
        _merchants_and_gates(community)
        policy_set(actor=admin, key="work_resumption_date", value=resumes.isoformat(), street=street,
                   effective_from=today + timedelta(days=RESUMPTION_NOTICE_FROM),
                   note=f"街道通知：企业不早于{resumes.month}月{resumes.day}日复工")
        policy_set(actor=admin, key="observation_days", value=14, community=community,
                   effective_from=today + timedelta(days=OBSERVATION_RULE_FROM),
                   note="返青人员居家或集中隔离医学观察14天")
    load_gate_demo(admin=admin, community=community)
    load_screening_demo(admin=admin, community=community)
    # The command post: the street's pushed-down list, a week of daily reports (their figures count the
    # list's rows), then exports of the ledgers (the street's roll-up reads the reports).
    load_sanitation_demo(admin=admin, community=community)  # its counts go into the daily reports
    load_verification_demo(admin=admin, community=community)
    load_reports_demo(admin=admin, community=community)
    load_ledgers_demo(admin=admin, community=community)
    # The working group's briefings (their facts read the daily report's state), meetings and plans.
    load_meetings_demo(admin=admin, community=community)
    # Community life: shops and prices, supplies and donations, volunteers, notices, residents' requests.
    load_shops_demo(admin=admin, community=community)
    load_supplies_demo(admin=admin, community=community)
    load_volunteers_demo(admin=admin, community=community)
    load_notices_demo(admin=admin, community=community)
    load_helpdesk_demo(admin=admin, community=community)
    return {name: DEMO_PASSWORD for name in ["admin", *logins]}


def _users(community: Community, street: Street, grids: list[Grid], names: dict[str, str]) -> list[str]:
    made = []

    def add(username, role, display, **scope):
        user_create(username=username, password=DEMO_PASSWORD, role=role, display_name=display, **scope)
        made.append(username)

    add("street", Role.STREET_OFFICE, names["street"], streets=[street])
    add("secretary", Role.COMMUNITY_LEADER, names["secretary"], communities=[community])
    add("director", Role.COMMUNITY_LEADER, names["director"], communities=[community])
    add("committee1", Role.COMMITTEE_MEMBER, names["committee1"], communities=[community])
    add("office1", Role.OFFICE_STAFF, names["office1"], communities=[community])
    for g in grids:
        add(f"grid{g.number}", Role.GRID_WORKER, names[f"grid{g.number}"], grids=[g])
    for n in range(1, 5):
        add(f"guard{n}", Role.GUARD, names[f"guard{n}"], communities=[community])
    add("volunteer1", Role.VOLUNTEER, names["volunteer1"], communities=[community])
    return made


def _working_group(admin: User, community: Community, grids: list[Grid], logins: list[str], names: dict[str, str],
                   *, formed: date) -> None:
    group = working_group_create(actor=admin, community=community, name="孙家下庄社区疫情防控工作组",
                                 established=formed)
    users = {u.username: u for u in User.objects.filter(username__in=logins)}
    secretary = member_add(actor=admin, group=group, name=names["secretary"], position=Member.Position.SECRETARY,
                           duties="组长，全面负责", user=users["secretary"], order=1)
    director = member_add(actor=admin, group=group, name=names["director"], position=Member.Position.DIRECTOR,
                          duties="副组长，统筹排查与门岗", reports_to=secretary, user=users["director"], order=2)
    committee = []
    for i, duty in enumerate(["门岗值守带班", "物资保障与捐赠", "宣传与志愿者", "流动人口与房东"], start=1):
        committee.append(member_add(actor=admin, group=group, name=names[f"committee{i}"],
                                    position=Member.Position.COMMITTEE,
                                    duties=duty, reports_to=director, order=10 + i,
                                    user=users["committee1"] if i == 1 else None))
    member_add(actor=admin, group=group, name=names["office1"], position=Member.Position.OFFICE,
               duties="台账、日报与上报", reports_to=director, user=users["office1"], order=20)
    member_add(actor=admin, group=group, name=names["office2"], position=Member.Position.OFFICE,
               duties="来电来访登记与反馈", reports_to=director, order=21)
    for g in grids:
        worker = member_add(actor=admin, group=group, name=names[f"grid{g.number}"],
                            position=Member.Position.GRID_WORKER, duties=f"{g.name}入户排查",
                            reports_to=committee[(g.number - 1) % 4],
                            user=users[f"grid{g.number}"], grid=g, order=30 + g.number)
        households = list(Household.objects.filter(grid=g))
        # Committee members share each grid's households with its grid worker (包联到户).
        half = len(households) // 3
        liaison_assign(actor=admin, households=households[half:], member=worker)
        liaison_assign(actor=admin, households=households[:half], member=committee[(g.number - 1) % 4])
    for i in (1, 2):
        member_add(actor=admin, group=group, name=names[f"safety{i}"], position=Member.Position.SAFETY,
                   duties="公共区域消杀与安全巡查", reports_to=director, order=40 + i)


def _merchants_and_gates(community: Community) -> None:
    for name in ["惠民蔬菜店", "孙家下庄生鲜超市", "邻里果蔬店"]:
        Merchant.objects.create(community=community, kind=Merchant.Kind.VEGETABLES, name=name)
    for name in ["崂山矿泉水配送站", "清源桶装水", "山泉送水服务部"]:
        Merchant.objects.create(community=community, kind=Merchant.Kind.WATER, name=name)
    for code, name, kind in [
        ("sjxz-liaoyang-east", "辽阳东路门岗", Gate.Kind.BOTH),
        ("sjxz-north", "北门岗", Gate.Kind.PEDESTRIAN),
        ("sjxz-west", "西门岗", Gate.Kind.PEDESTRIAN),
        ("sjxz-vehicle", "车辆出入口", Gate.Kind.VEHICLE),
    ]:
        Gate.objects.create(community=community, code=code, name=name, kind=kind)
