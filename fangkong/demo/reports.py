"""Demo daily reports: a week of the demo community's reports (one late, one corrected with a reason),
today's draft left open with typed fields, and three small sibling communities in the same street so
the street office's board has rows — two submit every day, one has missed the last days and was
reminded. Dates are relative to today; everything goes through the real services (the past
submissions with `at=` set to when they were made)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.dates import local_today
from fangkong.core.identifiers import id_check_char
from fangkong.registry.models import Community
from fangkong.registry.services import household_create, person_register, places_ensure
from fangkong.registry.validation import person_data_from
from fangkong.reports.models import DailyReport
from fangkong.reports.period import report_period
from fangkong.reports.services import daily_report_submit, daily_report_typed_update, report_reminder_send

SIBLINGS = [("SJXZ-DH", "东韩社区"), ("SJXZ-XH", "西韩社区"), ("SJXZ-BC", "北村社区")]
MISSING = "SJXZ-BC"  # the sibling that has not submitted the last two days
WEEK = 7
LATE_DAY, CORRECTED_DAY = 5, 3  # days ago
SIBLING_PEOPLE = 6


def _first_user(role: str, **grant) -> User | None:
    grants = {f"scope_grants__{k}": v for k, v in grant.items()}
    return User.objects.filter(role=role, is_active=True, **grants).order_by("id").first()


def _when(day: date, community: Community, *, hours_before_deadline: float) -> datetime:
    """A time before (or, negative, after) the deadline of `day`'s report, never in the future."""
    deadline = report_period(community=community, day=day).deadline
    return min(deadline - timedelta(hours=hours_before_deadline), timezone.now() - timedelta(minutes=30))


def _siblings(admin: User, community: Community) -> list[tuple[Community, User]]:
    out = []
    for n, (code, name) in enumerate(SIBLINGS):
        sibling = places_ensure(community_code=code, community_name=name, grids=1, street=community.street)
        grid = sibling.grids.get(number=1)
        for i in range(SIBLING_PEOPLE):
            first17 = f"3702121965{n + 1:02d}{i + 1:02d}9{n}{i}"
            hh = household_create(actor=admin, community=sibling, grid=grid, building_name="1号楼", unit="1单元",
                                  room=f"{101 + i}")
            data = person_data_from({"name": f"{name[:2]}居民{i + 1}", "id_number": first17 + id_check_char(first17),
                                     "phone": "", "category": "registered", "tags": []})
            person_register(actor=admin, data=data, community=sibling, household=hh)
        # The siblings' leaders submit in the story; they are not demo logins (a random password).
        leader = user_create(username=f"leader-{code.lower()}", password=secrets.token_urlsafe(16),
                             role=Role.COMMUNITY_LEADER, display_name=f"{name}书记", communities=[sibling])
        out.append((sibling, leader))
    return out


def load_reports_demo(*, admin: User, community: Community) -> None:
    """The daily reports of the demo; does nothing if already loaded."""
    today = local_today()
    if DailyReport.objects.filter(community=community, date=today - timedelta(days=1)).exists():
        return
    leader = _first_user(Role.COMMUNITY_LEADER, community=community) or admin
    office = _first_user(Role.OFFICE_STAFF, community=community) or admin
    street = _first_user(Role.STREET_OFFICE, street=community.street) or admin
    siblings = _siblings(admin, community)

    for ago in range(WEEK, 0, -1):
        day = today - timedelta(days=ago)
        typed = {"close_contacts": 2 if ago > 3 else 1, "disinfection": "公共区域消杀2次，约3000平方米",
                 "businesses_closed": 4}
        if ago == LATE_DAY:
            daily_report_submit(actor=leader, community=community, day=day, typed=typed,
                                note="门岗排班调整，报送延迟", at=_when(day, community, hours_before_deadline=-3))
        elif ago == CORRECTED_DAY:
            daily_report_submit(actor=leader, community=community, day=day, typed=typed,
                                at=_when(day, community, hours_before_deadline=8))
            daily_report_submit(actor=leader, community=community, day=day,
                                typed={**typed, "close_contacts": 3},
                                correction_reason="区疾控中心下午通报，密切接触者由2人更正为3人",
                                at=_when(day, community, hours_before_deadline=5))
        else:
            daily_report_submit(actor=leader, community=community, day=day, typed=typed,
                                at=_when(day, community, hours_before_deadline=6))
        for sibling, sibling_leader in siblings:
            if sibling.code == MISSING and ago <= 2:
                continue
            daily_report_submit(actor=sibling_leader, community=sibling, day=day,
                                at=_when(day, sibling, hours_before_deadline=4 + len(sibling.code) % 3))

    # Today's draft: what the office has typed so far; the leader has not submitted.
    daily_report_typed_update(actor=office, community=community, day=today,
                              data={"disinfection": "上午公共区域消杀1次", "problems": "测温枪电池不足，已向街道申领"})
    missing = next(s for s, _ in siblings if s.code == MISSING)
    report_reminder_send(actor=street, community=missing, day=today - timedelta(days=2),
                         message="请于今日报送前两日的日报告（零报告也须报送）")
