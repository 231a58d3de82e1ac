"""Demo of disinfection and patrols: a schedule of public areas with a few days of logs (one area overdue)
and a hill fire-watch patrol (护林防火) with its findings. Made through the real services; the past times
are given to the services (never in the future), creation times of the areas set back afterwards."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.registry.models import Community
from fangkong.sanitation.models import Area, Patrol
from fangkong.sanitation.services import area_create, disinfection_log, patrol_log

# (kind, name, building, every, unit, agent, dilution)
AREAS = [
    ("stairwell", "1号楼楼道", "1号楼", 1, "days", "84消毒液", "1:100"),
    ("stairwell", "2号楼楼道", "2号楼", 1, "days", "84消毒液", "1:100"),
    ("lift", "1号楼电梯", "1号楼", 4, "hours", "75%酒精", "原液"),
    ("lift", "2号楼电梯", "2号楼", 4, "hours", "75%酒精", "原液"),
    ("bins", "垃圾分类投放点", "", 12, "hours", "含氯消毒剂", "1:50"),
    ("gate", "东门岗亭", "", 6, "hours", "84消毒液", "1:100"),
    ("square", "中心广场", "", 1, "days", "含氯消毒剂", "1:100"),
    ("hill_path", "后山步道入口", "", 2, "days", "含氯消毒剂", "1:100"),
]
OVERDUE = "垃圾分类投放点"  # its last disinfection lies 20 hours back on a 12-hour schedule


def load_sanitation_demo(*, admin: User, community: Community) -> None:
    if Area.objects.filter(community=community).exists():
        return  # loaded already
    now = timezone.now()
    for kind, name, building, every, unit, agent, dilution in AREAS:
        area = area_create(actor=admin, community=community, kind=kind, name=name, building=building,
                           every=every, unit=unit, via="demo")
        Area.objects.filter(pk=area.pk).update(created_at=now - timedelta(days=4))
        step = area.interval
        # Three days of logs, each on time; the last one recent, except for the overdue area.
        last = now - (timedelta(hours=20) if name == OVERDUE else step / 2)
        at, n = last, 0
        while at > now - timedelta(days=3) and n < 20:
            disinfection_log(actor=admin, area=area, agent=agent, dilution=dilution, at=at, via="demo")
            at -= step
            n += 1
    hill = Area.objects.get(community=community, name="后山步道入口")
    start = now - timedelta(days=1, hours=3)
    patrol_log(actor=admin, community=community, kind=Patrol.Kind.FIRE_WATCH, area=hill,
               route="后山防火道—山顶瞭望点—西坡小路", started_at=start, ended_at=start + timedelta(hours=2),
               findings="严禁上山：劝返上山游玩居民3人；西坡小路发现烟头一处，已清理；护林防火标语完好。",
               people_turned_back=3, fire_risk=True, via="demo")
    start = now - timedelta(hours=5)
    patrol_log(actor=admin, community=community, kind=Patrol.Kind.GATHERINGS, route="中心广场、小区花园",
               started_at=start, ended_at=start + timedelta(minutes=40),
               findings="广场有5名老人聚集打牌，已劝散。", gathering_dispersed=True, via="demo")
