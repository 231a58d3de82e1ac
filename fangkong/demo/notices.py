"""Demo of the notices: five announcements of February 2020 (the closed management, the hills closed for fire
prevention, the vegetable shops' hours, prevention knowledge, the call for volunteers), four published and
one draft, each published one with where it was posted. Made through the real services; the times of the
past are set afterwards. Channels are left to the office: a demo must not post to a real group."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.notices.models import Notice
from fangkong.notices.services import notice_publish, notice_save, posting_record
from fangkong.registry.models import Community

NOTICES = [
    ("policy", "关于实行小区封闭式管理的通告",
     "为切实做好新型冠状病毒感染的肺炎疫情防控工作，即日起本社区各小区实行封闭式管理：\n"
     "一、小区只保留东门、南门两个出入口，24小时值守；\n"
     "二、居民凭出入证进出，进出时须配合测量体温、佩戴口罩；\n"
     "三、外来人员、车辆一律不得进入，快递、外卖放置在门口指定位置自取；\n"
     "四、外地返青人员须第一时间向社区报告，按规定居家医学观察14天。", 12, True),
    ("policy", "严禁上山 护林防火",
     "当前正值森林防火关键期，疫情期间山林步道一律关闭。严禁上山，严禁携带火种进山，严禁野外用火、"
     "祭祀烧纸。发现火情请立即拨打119并报告社区。护林防火，人人有责。", 10, True),
    ("practical", "辖区三家蔬菜店营业时间",
     "疫情期间辖区三家蔬菜店照常营业，营业时间为每日8:00至18:00。社区每日对价格、货源和卫生进行检查，"
     "保证菜价稳定、供应充足。购物时请佩戴口罩，排队间隔一米以上。", 6, True),
    ("knowledge", "新冠肺炎个人防护知识",
     "勤洗手：用洗手液或肥皂流水洗手，每次不少于20秒；\n戴口罩：外出、就医时正确佩戴口罩；\n"
     "常通风：居室每天开窗通风2至3次，每次30分钟；\n少聚集：不串门、不聚餐、不去人员密集场所；\n"
     "有症状：出现发热、干咳等症状，及时报告社区并到发热门诊就诊。", 4, True),
    ("practical", "招募社区防疫志愿者",
     "社区现招募防疫志愿者，协助门岗值守、测温登记、物资配送和宣传。党员、退役军人、居民代表优先。"
     "请扫描社区主页二维码报名，社区审核后安排排班。", 1, False),
]

POSTINGS = [("东门公告栏", 20), ("南门公告栏", 20), ("各楼单元门", 48), ("居民微信群", 1)]


def load_notices_demo(*, admin: User, community: Community) -> list[Notice]:
    if Notice.objects.filter(community=community).exists():
        return list(Notice.objects.filter(community=community))
    now = timezone.now()
    made = []
    for kind, title, body, days_ago, published in NOTICES:
        notice = notice_save(actor=admin, community=community, kind=kind, title=title, body=body)
        when = now - timedelta(days=days_ago, hours=2)
        if published:
            notice_publish(actor=admin, notice=notice)
            for i, (place, copies) in enumerate(POSTINGS[: 2 + days_ago % 3]):
                posting_record(actor=admin, notice=notice, place=place, posted_at=when + timedelta(hours=1 + i),
                               posted_by="网格员", copies=copies)
            Notice.objects.filter(pk=notice.pk).update(published_at=when)
        Notice.objects.filter(pk=notice.pk).update(created_at=when - timedelta(hours=1))
        made.append(notice)
    return made
