"""The demo community 孙家下庄社区 (中韩街道, 崂山区, 青岛), loaded once by `fangkong demo`.

Everything is synthetic. The registry goes in through the real import service, the working group
and policy through their services, so the demo exercises the same code as production.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.db import transaction

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.demo.gates import load_gate_demo
from fangkong.demo.screening import load_screening_demo
from fangkong.demo.synthetic import Generator, community_rows, write_csv
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

    with transaction.atomic():
        logins = _users(community, street, grids)
        _working_group(admin, community, grids, logins)
        _merchants_and_gates(community)
        policy_set(actor=admin, key="work_resumption_date", value="2020-02-24", street=street,
                   effective_from=date(2020, 1, 28), note="街道通知：企业不早于2月24日复工")
        policy_set(actor=admin, key="observation_days", value=14, community=community,
                   effective_from=date(2020, 1, 25), note="返青人员居家或集中隔离医学观察14天")
    load_gate_demo(admin=admin, community=community)
    load_screening_demo(admin=admin, community=community)
    return {name: DEMO_PASSWORD for name in ["admin", *logins]}


def _users(community: Community, street: Street, grids: list[Grid]) -> list[str]:
    made = []

    def add(username, role, display, **scope):
        user_create(username=username, password=DEMO_PASSWORD, role=role, display_name=display, **scope)
        made.append(username)

    add("street", Role.STREET_OFFICE, "中韩街道办事处", streets=[street])
    add("secretary", Role.COMMUNITY_LEADER, "社区书记", communities=[community])
    add("director", Role.COMMUNITY_LEADER, "社区主任", communities=[community])
    add("committee1", Role.COMMITTEE_MEMBER, "两委委员一", communities=[community])
    add("office1", Role.OFFICE_STAFF, "社区工作人员", communities=[community])
    for g in grids:
        add(f"grid{g.number}", Role.GRID_WORKER, f"{g.name}网格员", grids=[g])
    for n in range(1, 5):
        add(f"guard{n}", Role.GUARD, f"门岗{n}", communities=[community])
    add("volunteer1", Role.VOLUNTEER, "志愿者", communities=[community])
    return made


def _working_group(admin: User, community: Community, grids: list[Grid], logins: list[str]) -> None:
    gen = Generator(seed=7)
    group = working_group_create(actor=admin, community=community, name="孙家下庄社区疫情防控工作组",
                                 established=date(2020, 1, 24))
    users = {u.username: u for u in User.objects.filter(username__in=logins)}
    secretary = member_add(actor=admin, group=group, name=gen.name(), position=Member.Position.SECRETARY,
                           duties="组长，全面负责", user=users["secretary"], order=1)
    director = member_add(actor=admin, group=group, name=gen.name(), position=Member.Position.DIRECTOR,
                          duties="副组长，统筹排查与门岗", reports_to=secretary, user=users["director"], order=2)
    committee = []
    for i, duty in enumerate(["门岗值守带班", "物资保障与捐赠", "宣传与志愿者", "流动人口与房东"], start=1):
        committee.append(member_add(actor=admin, group=group, name=gen.name(), position=Member.Position.COMMITTEE,
                                    duties=duty, reports_to=director, order=10 + i,
                                    user=users["committee1"] if i == 1 else None))
    member_add(actor=admin, group=group, name=gen.name(), position=Member.Position.OFFICE,
               duties="台账、日报与上报", reports_to=director, user=users["office1"], order=20)
    member_add(actor=admin, group=group, name=gen.name(), position=Member.Position.OFFICE,
               duties="来电来访登记与反馈", reports_to=director, order=21)
    for g in grids:
        worker = member_add(actor=admin, group=group, name=gen.name(), position=Member.Position.GRID_WORKER,
                            duties=f"{g.name}入户排查", reports_to=committee[(g.number - 1) % 4],
                            user=users[f"grid{g.number}"], grid=g, order=30 + g.number)
        households = list(Household.objects.filter(grid=g))
        # Committee members share each grid's households with its grid worker (包联到户).
        half = len(households) // 3
        liaison_assign(actor=admin, households=households[half:], member=worker)
        liaison_assign(actor=admin, households=households[:half], member=committee[(g.number - 1) % 4])
    for i in (1, 2):
        member_add(actor=admin, group=group, name=gen.name(), position=Member.Position.SAFETY,
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
