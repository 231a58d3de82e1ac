"""The demo lives in the present: every date it writes counts from the day it is loaded, policy dates too."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.apps import apps
from django.db import models
from django.db.models import Max, Min
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.demo.community import WORK_RESUMES, staff_names
from fangkong.gates.models import Shift
from fangkong.observation.models import ReturneeReport
from fangkong.observation.selectors import work_resumption_date
from fangkong.policy.models import PolicyValue
from fangkong.registry.models import Membership, Person, Tenancy
from fangkong.workgroup.models import Member, WorkingGroup

# The longest reach of the story: passes valid for two months, a landlord's link for three.
REACH = timedelta(days=100)
# Dates that are not events of the story, checked on their own below.
NOT_EVENTS = {
    ("registry", "person", "birth_date"),
    ("registry", "person", "retain_until"),  # the retention period, a year and more
    ("registry", "membership", "start_date"),  # moved in years ago
    ("registry", "tenancy", "start_date"),
}


def _as_date(value) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def test_every_date_in_the_demo_lies_near_today(demo):
    today = timezone.localdate()
    checked, far = 0, []
    for model in apps.get_models():
        if not model.__module__.startswith("fangkong."):
            continue
        for field in model._meta.concrete_fields:
            key = (model._meta.app_label, model._meta.model_name, field.name)
            if not isinstance(field, models.DateField) or key in NOT_EVENTS:
                continue
            span = model.objects.aggregate(lo=Min(field.name), hi=Max(field.name))
            if span["lo"] is None:
                continue
            checked += 1
            lo, hi = _as_date(span["lo"]), _as_date(span["hi"])
            if lo < today - REACH or hi > today + REACH:
                far.append((key, lo, hi))
    assert checked > 40  # the demo fills most of the apps' dates
    assert far == []


def test_dates_that_are_not_events_are_relative_too(demo):
    today = timezone.localdate()
    births = Person.objects.filter(community=demo).aggregate(lo=Min("birth_date"), hi=Max("birth_date"))
    # Ages as the generator draws them (1 to 90), counted from today: nobody is born in the future.
    assert today - timedelta(days=91 * 365) < births["lo"] and births["hi"] <= today - timedelta(days=364)
    moved_in = Membership.objects.filter(household__community=demo).aggregate(lo=Min("start_date"),
                                                                              hi=Max("start_date"))
    assert today.year - 31 <= moved_in["lo"].year and moved_in["hi"] <= today
    tenancies = Tenancy.objects.filter(community=demo).aggregate(lo=Min("start_date"), hi=Max("start_date"))
    assert today - timedelta(days=2 * 366) <= tenancies["lo"] and tenancies["hi"] <= today


def test_work_resumes_after_the_reported_returns_and_the_policy_dates_are_relative(demo):
    today = timezone.localdate()
    resumes = work_resumption_date(community_id=demo.id, on=today)
    assert resumes == today + timedelta(days=WORK_RESUMES)
    # The story: returnees come back (or plan to) before work resumes, after the rules were set.
    latest_arrival = ReturneeReport.objects.filter(community=demo).aggregate(hi=Max("arrival_date"))["hi"]
    assert today < latest_arrival < resumes
    rules = PolicyValue.objects.filter(key__in=["work_resumption_date", "observation_days"])
    assert rules.count() == 2
    assert all(today - timedelta(days=31) <= v.effective_from < today for v in rules)
    established = WorkingGroup.objects.get(community=demo).established
    assert established <= min(v.effective_from for v in rules)


def test_demo_logins_that_are_people_show_their_names(demo, demo_logins):
    names = staff_names()
    assert len(set(names.values())) == len(names)
    for user in User.objects.filter(username__in=demo_logins).exclude(username="admin"):
        assert user.display_name == names[user.username]
        assert not any(ch.isascii() and ch.isalnum() for ch in user.display_name)  # a name, not a login
    # A login with a member entry shows the member's name.
    for member in Member.objects.filter(community=demo, user__isnull=False).select_related("user"):
        assert member.user.display_name == member.name


def test_the_roster_puts_nobody_on_two_gates_at_once(demo):
    shifts = list(Shift.objects.filter(community=demo).select_related("leader").prefetch_related("staff"))
    by_time: dict = {}
    for s in shifts:
        people = by_time.setdefault(s.starts_at, [])
        people.append(("member", s.leader_id))
        people.extend(("user", u.pk) for u in s.staff.all())
    assert len(by_time) == 7 * 3 + 6  # the week's roster, and the volunteers' six past shifts
    for people in by_time.values():
        assert len(people) == len(set(people))
    assert all(s.leader.position in ("secretary", "director", "committee") for s in shifts)
    # And a shift is on now, so a guard on duty finds their gate.
    now = timezone.now()
    assert Shift.objects.filter(community=demo, starts_at__lte=now, ends_at__gt=now).count() == 4


def test_what_happened_in_the_past_is_stamped_in_the_past(demo):
    from fangkong.gates.models import Incident, Scan
    from fangkong.observation.models import Alert
    from fangkong.passes.models import Ban, Pass

    today = timezone.localdate()
    scans = Scan.objects.filter(community=demo)
    assert scans.exists() and not scans.exclude(at=models.F("scanned_at")).exists()
    incident = Incident.objects.get(community=demo)
    assert _as_date(incident.at) == today - timedelta(days=1)
    revoked = Pass.objects.get(number=incident.revoked_passes[0])
    assert incident.at < revoked.revoked_at < incident.at + timedelta(hours=1)
    assert _as_date(Ban.objects.get(community=demo).created_at) == today - timedelta(days=1)
    handled = Alert.objects.get(community=demo, kind="fever", status="closed")
    assert handled.raised_at < handled.closed_at < handled.raised_at + timedelta(hours=1)
    assert _as_date(handled.closed_at) < today
