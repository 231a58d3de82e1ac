"""Demo of the command post's meetings: this morning's briefing with action items (one overdue), yesterday
evening's with its minutes, the working group's deployment meeting and the landlords' mobilisation meeting
(房东防疫动员大会) with attendance, decisions and action items, the working plan and the emergency plan in
two versions each. Made through the real services; only the times of the past are set afterwards."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.meetings.models import ActionItem, Attendance, Briefing, Meeting, PlanVersion
from fangkong.meetings.services import (
    action_add,
    action_done,
    attendance_follow_up,
    attendance_mark,
    briefing_get_or_generate,
    briefing_minutes_set,
    meeting_create,
    meeting_update,
    plan_version_add,
)
from fangkong.registry.models import Community

WORK_PLAN_V1 = """一、总体要求
坚持“早发现、早报告、早隔离、早治疗”，以社区为单位实行网格化、地毯式管理，做到不漏一户、不漏一人。

二、组织领导
成立社区疫情防控工作组，党委书记任组长，居委会主任任副组长，社区两委成员、网格员、物业及志愿者为成员，实行“一日两会”制度。

三、主要措施
（一）全面排查：网格员逐户上门，登记外地返青人员及其行程，对湖北来返人员实行14天居家医学观察。
（二）门岗管控：小区实行封闭管理，只留东门、南门两个出入口，24小时值守，测温、登记、查验出入证。
（三）宣传引导：张贴《致居民的一封信》，通过微信群每日推送防控知识。"""

WORK_PLAN_V2 = WORK_PLAN_V1 + """
（四）房东责任：召开房东防疫动员大会，签订承诺书，房东负责及时报告租户返青情况，未参会房东逐一上门告知。
（五）复工人员：企业复工前向社区报备，返岗人员先行登记、测温，持通行证出入。

四、工作要求
每日16时前报送日报，零报告不得遗漏；各网格当日问题当日解决，解决不了的在晚会上提出。"""

EMERGENCY_V1 = """一、适用范围
本预案适用于本社区发现发热人员、疑似或确诊病例及其密切接触者时的应急处置。

二、处置流程
（一）门岗或入户发现体温≥37.3℃者，立即让其佩戴口罩，在临时观察点等候，并报告社区卫生服务中心。
（二）由社区卫生服务中心派员复测，需转诊的，由120负压救护车送定点医院发热门诊，不得自行前往。
（三）对其居住单元进行消杀，对同住人员实行居家医学观察。

三、联络
工作组值班电话24小时畅通，书记、主任轮流带班。"""

EMERGENCY_V2 = EMERGENCY_V1 + """

四、补充（根据街道通知修订）
（一）确诊病例所在楼栋实行封闭管理，生活物资由志愿者送至门口。
（二）设置集中医学观察点对接流程：名单报街道，由街道统一安排车辆转运。
（三）每次处置后一小时内书面报告街道办事处。"""


def _user(username: str, fallback: User) -> User:
    return User.objects.filter(username=username).first() or fallback


def _at(day, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


def load_meetings_demo(*, admin: User, community: Community) -> None:
    today = timezone.localdate()
    secretary, director = _user("secretary", admin), _user("director", admin)
    office, committee = _user("office1", admin), _user("committee1", admin)
    grid1 = _user("grid1", admin)

    # Yesterday evening's briefing, with its minutes and an action item done since.
    evening = briefing_get_or_generate(actor=secretary, community=community, day=today - timedelta(days=1),
                                       kind=Briefing.Kind.EVENING)
    briefing_minutes_set(actor=secretary, briefing=evening, minutes=(
        "一、今日排查进度：一至三网格已全部入户，四至六网格剩余约三成，明日上午完成。\n"
        "二、东门晚高峰排队较长，测温点增加一名志愿者。\n"
        "三、两名返青人员居家观察期间体温正常，继续每日两次随访。"))
    done = action_add(actor=secretary, briefing=evening, text="东门晚高峰增派一名志愿者协助测温", owner=director,
                      due=today - timedelta(days=1))
    action_done(actor=director, action=done)

    # This morning's briefing: its action items, one overdue (due yesterday, not done).
    morning = briefing_get_or_generate(actor=secretary, community=community, day=today, kind=Briefing.Kind.MORNING)
    action_add(actor=secretary, briefing=morning, text="四至六网格剩余住户入户排查", owner=grid1, due=today)
    action_add(actor=secretary, briefing=morning, text="核对街道下发名单中未核实人员", owner=office,
               due=today - timedelta(days=1))
    action_add(actor=secretary, briefing=morning, text="补充消毒液和口罩库存", owner=committee,
               due=today + timedelta(days=1))

    _deployment_meeting(secretary, director, office, community, today)
    _landlords_meeting(secretary, office, committee, community, today)
    _plans(secretary, director, office, community, today)


def _deployment_meeting(secretary: User, director: User, office: User, community: Community, today) -> None:
    held = _at(today - timedelta(days=10), 9)
    meeting = meeting_create(actor=secretary, community=community, kind=Meeting.Kind.DEPLOYMENT,
                             title="疫情防控工作部署会", held_at=held, place="社区党群服务中心二楼会议室",
                             agenda="一、传达区、街道疫情防控工作会议精神\n二、部署全面排查和门岗管控\n三、明确分工和“一日两会”制度")
    meeting_update(actor=secretary, meeting=meeting,
                   decisions="1. 即日起小区封闭管理，保留东门、南门两个出入口；\n2. 三天内完成全部住户入户排查；\n"
                             "3. 每日早8时、晚6时召开碰头会。",
                   minutes="书记传达上级会议精神，主任部署排查和门岗工作，各网格员汇报本网格情况。")
    rows = list(meeting.attendance.order_by("id"))
    for i, row in enumerate(rows):
        attendance_mark(actor=secretary, attendance=row, present=i != len(rows) - 1)  # one on leave
    day = held.date()
    action_add(actor=secretary, meeting=meeting, text="印制出入证并分发到户", owner=office, due=day + timedelta(2))
    action_add(actor=secretary, meeting=meeting, text="落实门岗三班倒排班表", owner=director, due=day + timedelta(1))
    ActionItem.objects.filter(meeting=meeting).update(done=True, done_at=held + timedelta(days=1), done_by=director)


def _landlords_meeting(secretary: User, office: User, committee: User, community: Community, today) -> None:
    held = _at(today - timedelta(days=6), 14, 30)
    meeting = meeting_create(actor=secretary, community=community, kind=Meeting.Kind.LANDLORDS,
                             title="房东防疫动员大会", held_at=held, place="社区广场（分批次，间隔一米以上）",
                             agenda="一、通报疫情防控形势\n二、房东责任和租户返青报告要求\n三、签订房东防疫承诺书")
    meeting_update(actor=secretary, meeting=meeting,
                   decisions="1. 房东对租户返青情况负首报责任，租户返回前一天报告社区；\n"
                             "2. 未参会房东由网格员三日内上门告知并补签承诺书。",
                   minutes="到会房东现场签订承诺书，并扫码获取返青报告链接。")
    rows = list(meeting.attendance.order_by("id"))
    absent = set(range(0, len(rows), 8))  # about one in eight absent
    for i, row in enumerate(rows):
        if i not in absent:
            attendance_mark(actor=secretary, attendance=row, present=True)
    first_absent = next((rows[i] for i in sorted(absent)), None)
    if first_absent is not None:
        attendance_follow_up(actor=committee, attendance=first_absent, note="电话告知，已补签承诺书")
    action_add(actor=secretary, meeting=meeting, text="未参会房东逐户上门告知并补签承诺书", owner=committee,
               due=today + timedelta(days=1))
    Attendance.objects.filter(meeting=meeting, followed_up_at__isnull=False).update(followed_up_at=held + timedelta(1))


def _plans(secretary: User, director: User, office: User, community: Community, today) -> None:
    made = [
        (secretary, "work", WORK_PLAN_V1, "初稿", "孙家下庄社区新型冠状病毒感染的肺炎疫情防控工作方案", 14),
        (director, "work", WORK_PLAN_V2, "增加房东责任和复工人员管理", None, 5),
        (secretary, "emergency", EMERGENCY_V1, "初稿", "孙家下庄社区疫情防控应急预案", 13),
        (office, "emergency", EMERGENCY_V2, "根据街道通知补充封闭楼栋和集中观察转运流程", None, 3),
    ]
    for actor, kind, body, note, title, days_ago in made:
        version = plan_version_add(actor=actor, community=community, kind=kind, body=body, note=note, title=title)
        PlanVersion.objects.filter(pk=version.pk).update(created_at=_at(today - timedelta(days=days_ago), 20))
