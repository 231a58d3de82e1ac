"""Demo of the volunteers: 20 sign-ups after the gate incident was shared in the WeChat group (5 still awaiting
vetting, 1 declined), some accepted volunteers with a login, on gate shifts and with tasks done, so hours
served show. Made through the real services; shifts through the gates' roster service, where its rules
allow (a clash with the demo's own roster is skipped, never forced)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.errors import DomainError
from fangkong.core.identifiers import id_check_char
from fangkong.gates.models import Gate
from fangkong.gates.services import shift_add
from fangkong.registry.models import Community
from fangkong.volunteers.models import Volunteer
from fangkong.volunteers.services import (
    SignUp,
    task_add,
    task_done,
    volunteer_accept,
    volunteer_decline,
    volunteer_login_create,
    volunteer_shift_assign,
    volunteer_signup,
)
from fangkong.workgroup.models import Member

NAMES = ["王志刚", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏",
         "徐军", "孙悦", "马超", "朱琳", "胡斌", "郭芳", "何勇", "高洁", "林峰", "罗婷"]
SKILLS = [["gate"], ["delivery", "driving"], ["medical"], ["disinfection"], ["it"], ["gate", "delivery"]]
AVAILABILITY = ["周末全天", "工作日晚上", "每天上午", "随叫随到"]
PENDING = 5


def _id_number(community: Community, n: int) -> str:
    first17 = f"370212{1970 + n:04d}{n % 12 + 1:02d}{n % 28 + 1:02d}{community.pk % 100:02d}{n % 10}"
    return first17 + id_check_char(first17)


def _shift_for(admin: User, community: Community, start):
    """A past shift of the existing roster (the gate demo's), the latest that ended before `start`; else a new
    one at the first gate, led by a committee member, if the roster allows."""
    from fangkong.gates.models import Shift

    past = Shift.objects.filter(community=community, ends_at__lte=start).order_by("-ends_at").first()
    if past is not None:
        return past
    gate = Gate.objects.filter(community=community).order_by("code").first()
    leaders = Member.objects.filter(group__community=community, position__in=["secretary", "director", "committee"])
    if gate is None:
        return None
    for leader in leaders.order_by("pk"):
        try:
            return shift_add(actor=admin, gate=gate, starts_at=start, ends_at=start + timedelta(hours=4), leader=leader)
        except DomainError:
            continue
    return None


def load_volunteers_demo(*, admin: User, community: Community) -> list[Volunteer]:
    now = timezone.now()
    volunteers = []
    for n, name in enumerate(NAMES):
        v = volunteer_signup(community=community, data=SignUp(
            name=name, phone=f"1390532{community.pk % 10}{n:03d}", id_number=_id_number(community, n),
            skills=SKILLS[n % len(SKILLS)], availability=AVAILABILITY[n % len(AVAILABILITY)],
            party_member=n % 4 == 0, veteran=n % 7 == 3, resident_representative=n % 5 == 2))
        volunteers.append(v)
    volunteer_decline(actor=admin, volunteer=volunteers[PENDING], reason="年龄超过65岁，请在家休息")
    accepted = [volunteer_accept(actor=admin, volunteer=v) for v in volunteers[PENDING + 1:]]
    for i, v in enumerate(accepted[:6]):
        v.user, _password = volunteer_login_create(actor=admin, volunteer=v)  # the password is not kept
        shift = _shift_for(admin, community, now - timedelta(days=i + 2, hours=3))
        if shift is not None:
            try:
                volunteer_shift_assign(actor=admin, volunteer=v, shift_pk=shift.pk)
            except DomainError:
                pass
    for i, v in enumerate(accepted[:10]):
        title = ["为居家观察户送菜", "楼道消杀", "门岗测温登记", "张贴通告"][i % 4]
        hours = Decimal("2.5") if i % 2 else Decimal("1.5")
        done = task_add(actor=admin, volunteer=v, title=title, when=now - timedelta(days=i % 5 + 1), hours=hours)
        task_done(actor=admin, task=done)
        task_add(actor=admin, volunteer=v, title="周末物资分发", when=now + timedelta(days=2), hours=Decimal(3))
    return volunteers
