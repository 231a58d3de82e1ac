"""Every named page × every persona, generated from the URL configuration.

Each view declares who may open it (`accounts.access.page`: a permission, and where the object named
in its URL lives). From that declaration and each persona's role and scope this test derives what the
persona must get, and asks: anonymous → the login page; a role without the permission → 403; an object
outside the persona's scope → 404; otherwise the page (or, for a form that takes only POST, anything
but a refusal or an error). A new URL without a declaration, or without a sample object below, fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fangkong.accounts.access import Access, Within
from fangkong.accounts.roles import role_can
from fangkong.accounts.scope import scope_of
from fangkong.core.dates import local_today
from fangkong.core.identifiers import id_check_char

# Pages that are not Fangkong's own: Django's admin (staff only, its own checks), sign-in and language choice.
NOT_DECLARED = {"accounts:login", "accounts:logout", "set_language"}
SKIPPED_NAMESPACES = ("admin", "api-v1")


@dataclass
class Sample:
    """The URL's arguments for the sample world, and where that object lives."""

    kwargs: dict
    data: dict | None = None  # what a form that takes only POST is sent
    community_id: int | None = None
    grid_id: int | None = None
    street_id: int | None = None
    # Only these personas get the object; others with the permission and the scope get 403.
    owners: tuple[str, ...] | None = None


@pytest.fixture
def world(places, personas, make_person):
    """One object of every kind a page can name, in grid 1 of the home community, made by the real services."""
    from fangkong.accounts.models import SecurityAlert
    from fangkong.gates.models import Gate
    from fangkong.observation.returnees import ReportData, link_issue, report_by_office
    from fangkong.observation.services import followup_record, observation_start, site_create
    from fangkong.passes.services import pass_issue
    from fangkong.passes.tasks import bulk_issue_start, print_job_start
    from fangkong.registry.models import ImportJob
    from fangkong.screening.services import round_create

    office, home = personas["office"], places["home"]
    person = make_person(places["grid1"], name="样本居民")
    landlord = make_person(places["grid1"], name="样本房东")
    make_person(places["grid1"], name="样本租户", category="tenant", landlord=landlord)
    gate = Gate.objects.create(community=home, code="c1-east", name="东门岗", kind=Gate.Kind.BOTH)
    shift = _sample_shift(gate)
    rnd = round_create(actor=office, community=home, name="样本轮次", starts_on=date(2020, 1, 1),
                       deadline=date(2099, 1, 1))
    obs = observation_start(actor=office, person=person, kind="home", start=local_today() - timedelta(days=1),
                            reason="样本")
    followup_record(actor=office, obs=obs, temperature="38.0")  # a fever: an alert to name
    report = report_by_office(actor=office, community=home, data=ReportData(
        from_place="湖北省武汉市", arrival_date=local_today(), person_id=landlord.pk))
    self_link, self_token = link_issue(actor=office, person=person, kind="followup")
    _landlord_link, landlord_token = link_issue(actor=office, person=landlord, kind="landlord")
    site = site_create(actor=personas["admin"], street=home.street, name="样本隔离点", capacity=10)
    job = ImportJob.objects.create(community=home, created_by=office, filename="x.csv", stored_path="/nonexistent")
    issue_job = bulk_issue_start(actor=office, community=home, kind="resident", group="registered",
                                 valid_from=local_today(), valid_until=local_today() + timedelta(days=30))
    card = pass_issue(actor=office, person=person, kind="resident", valid_from=local_today(),
                      valid_until=local_today() + timedelta(days=30))
    print_job = print_job_start(actor=office, numbers=[card.number])
    from fangkong.ledgers.services import export_request
    from fangkong.reports.services import report_reminder_send

    export = export_request(actor=office, ledger="gate_log", community=home, date_from=local_today(),
                            date_to=local_today(), masked=True)[0]

    reminder = report_reminder_send(actor=personas["street"], community=home, day=local_today())
    security_alert = SecurityAlert.objects.create(kind=SecurityAlert.Kind.SEARCH_BLOCKED, user=personas["street"])
    from fangkong.verification.tests.helpers import sample_list

    vlist = sample_list(actor=personas["street"], street=home.street, people=[person])
    from django.utils import timezone

    from fangkong.meetings.models import Attendance
    from fangkong.meetings.services import action_add, briefing_get_or_generate, meeting_create, plan_version_add

    briefing = briefing_get_or_generate(actor=office, community=home, day=local_today(), kind="morning")
    action = action_add(actor=office, briefing=briefing, text="样本事项")
    meeting = meeting_create(actor=office, community=home, kind="other", title="样本会议", held_at=timezone.now())
    attendance = Attendance.objects.create(meeting=meeting, name="样本房东")
    plan = plan_version_add(actor=office, community=home, kind="work", body="样本方案").plan
    from decimal import Decimal

    from fangkong.notices.services import notice_publish, notice_save
    from fangkong.registry.models import Merchant
    from fangkong.sanitation.models import Area
    from fangkong.shops.services import inspection_record, merchant_staff_add
    from fangkong.volunteers.services import SignUp, task_add, volunteer_accept, volunteer_signup

    notice = notice_save(actor=office, community=home, kind="policy", title="样本通知", body="样本")
    notice_publish(actor=office, notice=notice)
    sanitation_area = Area.objects.create(community=home, kind="stairwell", name="样本楼道")
    merchant = Merchant.objects.create(community=home, kind=Merchant.Kind.WATER, name="样本水站")
    merchant_staff = merchant_staff_add(actor=office, merchant=merchant, person=person, role="送水员")
    inspection_record(actor=office, merchant=merchant, day=local_today() - timedelta(days=1),
                      prices=[{"item": "桶装水", "unit": "桶", "price": "10.00"}])
    price_alert = inspection_record(actor=office, merchant=merchant,
                                    prices=[{"item": "桶装水", "unit": "桶", "price": "20.00"}])[1][0]
    vol_id = "37021219850505777"
    volunteer = volunteer_signup(community=home, data=SignUp(name="样本志愿者", phone="13900000001",
                                                          id_number=vol_id + id_check_char(vol_id)))
    volunteer = volunteer_accept(actor=office, volunteer=volunteer)
    vtask = task_add(actor=office, volunteer=volunteer, title="样本任务", when=timezone.now(), hours=Decimal(1))
    from fangkong.helpdesk.services import request_file_public

    help_req, help_token = request_file_public(community=home, text="样本请求内容")
    in_grid = {"community_id": home.pk, "grid_id": places["grid1"].pk}
    in_community = {"community_id": home.pk}
    return {
        "person": Sample({"pk": person.pk}, **in_grid),
        "person_reveal": Sample({"pk": person.pk, "field": "phone"}, **in_grid),
        "household": Sample({"pk": person.household_id}, **in_grid),
        "community_code": Sample({"code": home.code}, **in_community),
        "gate": Sample({"code": gate.code}, **in_community),
        "shift": Sample({"pk": shift.pk}, **in_community),
        "round": Sample({"pk": rnd.pk}, **in_community),
        "round_household": Sample({"pk": rnd.pk, "hh": person.household_id}, **in_grid),
        "observation": Sample({"pk": obs.pk}, **in_grid),
        "alert": Sample({"pk": obs.alerts.get().pk}, **in_grid),
        "report": Sample({"pk": report.pk}, **in_grid),
        "link": Sample({"pk": self_link.pk}, **in_grid),
        "landlord_link": Sample({}, data={"kind": "landlord", "person": landlord.pk}, **in_grid),
        "site": Sample({"pk": site.pk}, street_id=home.street_id),
        "import_job": Sample({"pk": job.pk}, **in_community),
        "issue_job": Sample({"job_id": issue_job}, **in_community),
        "print_job": Sample({"job_id": print_job}, **in_community),
        "landlord_token": Sample({"token": landlord_token}),
        "self_token": Sample({"token": self_token}),
        "security_alert": Sample({"pk": security_alert.pk}),
        "export": Sample({"pk": export.pk}, owners=("admin", "leader", "office"), **in_community),
        "ledger_layout": Sample({"ledger": "gate_log", "level": "community", "code": home.code}, **in_community),
        "report_day": Sample({"code": home.code, "day": local_today().isoformat()}, **in_community),
        "report_reminder": Sample({"pk": reminder.pk}, **in_community),
        "briefing": Sample({"pk": briefing.pk}, data={"minutes": "样本", "text": "样本"}, **in_community),
        "action": Sample({"pk": action.pk}, owners=("admin", "leader", "office"), **in_community),
        "meeting": Sample({"pk": meeting.pk}, data={"text": "样本", "who": "members"}, **in_community),
        "attendance": Sample({"pk": attendance.pk}, data={"present": "1"}, **in_community),
        "plan": Sample({"pk": plan.pk}, **in_community),
        "helpdesk_request": Sample({"pk": help_req.pk}, data={"step": "answer", "text": "样本"}, **in_community),
        "helpdesk_token": Sample({"code": home.code, "token": help_token}),
        "notice": Sample({"pk": notice.pk}, **in_community),
        "public_notice": Sample({"code": home.code, "pk": notice.pk}),
        "public_community": Sample({"code": home.code}, community_id=home.id),
        "sanitation_area": Sample({"pk": sanitation_area.pk}, data={"agent": "84消毒液"}, **in_community),
        "merchant": Sample({"pk": merchant.pk}, **in_community),
        "merchant_staff": Sample({"pk": merchant.pk, "staff_id": merchant_staff.pk}, **in_community),
        "price_alert": Sample({"pk": price_alert.pk}, data={"action": "样本"}, **in_community),
        "volunteer": Sample({"pk": volunteer.pk}, **in_community),
        "volunteer_task": Sample({"pk": vtask.pk}, **in_community),
        "verification_list": Sample({"pk": vlist.pk}, street_id=home.street_id),
        "verification_row": Sample({"pk": vlist.pk, "number": 1}, data={"outcome": "confirmed"}, **in_grid),
        "verification_unmatched": Sample({"pk": vlist.pk, "number": 2}, data={"community": home.code},
                                         street_id=home.street_id),
    }


def _sample_shift(gate):
    """A roster shift at the sample gate, led by a committee member."""
    from datetime import datetime, time

    from django.utils import timezone

    from fangkong.gates.models import Shift
    from fangkong.workgroup.models import Member, WorkingGroup

    group = WorkingGroup.objects.create(community=gate.community, name="样本工作组", established=date(2020, 1, 24))
    leader = Member.objects.create(group=group, community=gate.community, name="样本委员",
                                   position=Member.Position.COMMITTEE)
    start = timezone.make_aware(datetime.combine(local_today() + timedelta(days=1), time(8)))
    return Shift.objects.create(community=gate.community, gate=gate, starts_at=start,
                                ends_at=start + timedelta(hours=8), leader=leader)


# Which sample each URL that names an object takes. A new such URL needs a line here.
SAMPLE_OF: dict[str, str] = {
    "accounts:security_alert_close": "security_alert",
    "registry:person_detail": "person",
    "registry:person_reveal": "person_reveal",
    "registry:household_detail": "household",
    "registry:import_job": "import_job",
    "policy:community": "community_code",
    "workgroup:org_chart": "community_code",
    "passes:issue_job": "issue_job",
    "passes:print_job": "print_job",
    "passes:print_job_file": "print_job",
    "gates:console": "gate",
    "gates:scan": "gate",
    "gates:device_token": "gate",
    "gates:visitor": "gate",
    "gates:household_options": "gate",
    "gates:incident": "gate",
    "gates:roster_week": "gate",
    "gates:shift_edit": "shift",
    "gates:shift_delete": "shift",
    "screening:round_detail": "round",
    "screening:round_close": "round",
    "screening:visit_start": "round",
    "screening:visit_record": "round_household",
    "observation:observation_detail": "observation",
    "observation:observation_followup": "observation",
    "observation:observation_extend": "observation",
    "observation:observation_end": "observation",
    "observation:observation_link": "observation",
    "observation:alert_acknowledge": "alert",
    "observation:alert_close": "alert",
    "observation:returnee_confirm": "report",
    "observation:returnee_reject": "report",
    "observation:link_issue": "landlord_link",
    "observation:link_detail": "link",
    "observation:link_revoke": "link",
    "observation:site_detail": "site",
    "observation:landlord_report": "landlord_token",
    "observation:self_followup": "self_token",
    "observation_public:landlord_report": "landlord_token",
    "observation_public:self_followup": "self_token",
    "ledgers:export_status": "export",
    "ledgers:file": "export",
    "ledgers:layout_edit": "ledger_layout",
    "meetings:briefing_print": "briefing",
    "meetings:briefing_minutes": "briefing",
    "meetings:briefing_action_add": "briefing",
    "meetings:action_done": "action",
    "meetings:meeting_detail": "meeting",
    "meetings:meeting_action_add": "meeting",
    "meetings:meeting_invite": "meeting",
    "meetings:attendance_mark": "attendance",
    "meetings:attendance_follow_up": "attendance",
    "meetings:plan_detail": "plan",
    "reports:daily_typed": "report_day",
    "reports:daily_submit": "report_day",
    "reports:remind": "report_day",
    "reports:reminder_read": "report_reminder",
    "helpdesk:detail": "helpdesk_request",
    "helpdesk_public:new": "community_code",
    "helpdesk_public:follow": "helpdesk_token",
    "notices:notice": "notice",
    "notices:poster": "notice",
    "notices_public:home": "community_code",
    "notices_public:notice": "public_notice",
    "supplies_public:thanks": "public_community",
    "sanitation:disinfect": "sanitation_area",
    "shops:merchant_detail": "merchant",
    "shops:profile_save": "merchant",
    "shops:staff_add": "merchant",
    "shops:staff_pass": "merchant_staff",
    "shops:inspection_new": "merchant",
    "shops:alert_acknowledge": "price_alert",
    "shops:alert_close": "price_alert",
    "volunteers:detail": "volunteer",
    "volunteers:accept": "volunteer",
    "volunteers:decline": "volunteer",
    "volunteers:login": "volunteer",
    "volunteers:shift": "volunteer",
    "volunteers:task": "volunteer",
    "volunteers:task_done": "volunteer_task",
    "volunteers_public:signup": "community_code",
    "verification:list_detail": "verification_list",
    "verification:row_outcome": "verification_row",
    "verification:row_assign": "verification_unmatched",
}


def named_pages() -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                if not (p.namespace or "").startswith(SKIPPED_NAMESPACES):
                    walk(p, ns)
            elif p.name:
                found.append((f"{namespace}:{p.name}" if namespace else p.name, p))

    walk(get_resolver(), "")
    return sorted(found, key=lambda item: item[0])


PAGES = [(name, pattern) for name, pattern in named_pages() if name not in NOT_DECLARED]


def test_every_page_declares_who_may_open_it():
    undeclared = [name for name, pattern in PAGES if not isinstance(getattr(pattern.callback, "access", None), Access)]
    assert not undeclared, f"declare access with accounts.access.page on: {undeclared}"


def test_every_page_that_names_an_object_has_a_sample():
    missing = [name for name, pattern in PAGES if pattern.pattern.regex.groups and name not in SAMPLE_OF]
    missing += [name for name, pattern in PAGES if getattr(pattern.callback, "access", None)
                and pattern.callback.access.within != Within.NOTHING and name not in SAMPLE_OF]
    assert not missing, f"add a sample object to SAMPLE_OF for: {missing}"


def expected(access: Access, persona, sample: Sample | None) -> str:
    """"login", "403", "404" or "ok"."""
    if persona is None:
        return "ok" if access.public else "login"
    if access.public:
        return "ok"
    if access.perm is not None and not role_can(persona.role, access.perm):
        return "403"
    scope = scope_of(persona)
    if sample is not None and sample.community_id is not None:
        if access.within == Within.GRID and not scope.covers_grid(sample.community_id, sample.grid_id):
            return "404"
        if access.within in (Within.COMMUNITY,) and not scope.covers_community(sample.community_id):
            return "404"
        if access.within == Within.OWN and not scope.covers_whole_community(sample.community_id):
            return "404"
    if sample is not None and sample.street_id is not None and access.within == Within.STREET:
        from fangkong.registry.models import Community

        streets = set(Community.objects.filter(id__in=scope.visible_community_ids).values_list("street_id",
                                                                                                  flat=True))
        if not scope.is_all and sample.street_id not in streets:
            return "404"
    return "ok"


def outcome(response, access: Access) -> str:
    status = response.status_code
    if status == 302 and "/accounts/login/" in response.get("Location", ""):
        return "login"
    if status in (403, 404):
        return str(status)
    assert status < 500, f"a server error: {status}"
    assert status != 405, "the page refused the method it declares"
    return "ok"


@pytest.mark.parametrize("name", [name for name, _p in PAGES])
def test_every_page_for_every_persona(name, world, personas):
    pattern = dict(PAGES)[name]
    access: Access = pattern.callback.access
    sample = world[SAMPLE_OF[name]] if name in SAMPLE_OF else None
    url = reverse(name, kwargs=sample.kwargs or None if sample else None)
    method = "get" if "GET" in access.methods else "post"
    data = sample.data if sample and method == "post" else None
    got, want = {}, {}
    for who in [None, *personas]:
        persona = personas[who] if who else None
        client = Client()
        if persona is not None:
            client.force_login(persona)
        response = getattr(client, method)(url, data)
        got[who or "anonymous"] = outcome(response, access)
        want[who or "anonymous"] = expected(access, persona, sample)
        if want[who or "anonymous"] == "ok" and sample and sample.owners is not None and who not in sample.owners:
            want[who] = "403"
    assert got == want


def test_a_method_the_page_does_not_take_is_405(world, personas):
    c = Client()
    c.force_login(personas["admin"])
    for name, pattern in PAGES:
        access = getattr(pattern.callback, "access", None)
        if access is None or "GET" in access.methods:
            continue
        sample = world[SAMPLE_OF[name]] if name in SAMPLE_OF else None
        assert c.get(reverse(name, kwargs=sample.kwargs or None if sample else None)).status_code == 405, name

