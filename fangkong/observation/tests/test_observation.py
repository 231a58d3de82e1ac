"""Medical observation: planned ends from policy, extensions, endings, follow-ups, alerts and the gate."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fangkong.core.errors import FieldError, NotFound
from fangkong.gates.models import Gate
from fangkong.gates.scanning import ScanRequest, scan_record
from fangkong.observation.models import Alert, Observation
from fangkong.observation.services import (
    alert_close,
    followup_record,
    missed_followups_sweep,
    observation_end,
    observation_extend,
    observation_start,
    site_create,
)
from fangkong.observation.sweeps import missed_followups_sweep_in_scope
from fangkong.passes.models import Pass
from fangkong.passes.services import pass_issue
from fangkong.policy.selectors import policy_cache_clear
from fangkong.policy.services import policy_set


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hh, mm))


@pytest.fixture
def person(places, make_person):
    return make_person(places["grid1"], name="返青人员")


def _start(personas, person, start, **kw):
    return observation_start(actor=personas["office"], person=person, kind=kw.pop("kind", "home"), start=start, **kw)


@pytest.mark.parametrize(("start", "end"), [
    (date(2020, 1, 25), date(2020, 2, 8)),
    (date(2020, 2, 20), date(2020, 3, 5)),   # 2020 is a leap year: 29 days in February
    (date(2021, 2, 20), date(2021, 3, 6)),
    (date(2020, 12, 25), date(2021, 1, 8)),
    (date(2020, 1, 31), date(2020, 2, 14)),
])
def test_planned_end_is_start_plus_policy_days_across_month_ends(personas, person, start, end):
    assert _start(personas, person, start).planned_end == end


def test_planned_end_follows_the_policy_in_force_on_the_start_day(personas, person, places, make_person):
    policy_set(actor=personas["leader"], key="observation_days", value=21, community=places["home"],
               effective_from=date(2020, 2, 10))
    policy_cache_clear()
    assert _start(personas, person, date(2020, 2, 9)).planned_end == date(2020, 2, 23)
    other = make_person(places["grid1"])
    assert _start(personas, other, date(2020, 2, 10)).planned_end == date(2020, 3, 2)


def test_one_active_observation_per_person(personas, person):
    _start(personas, person, date(2020, 2, 1))
    with pytest.raises(FieldError) as e:
        _start(personas, person, date(2020, 2, 2))
    assert e.value.code == "already_under_observation"


def test_never_shortened_silently(personas, person):
    obs = _start(personas, person, timezone.localdate())
    with pytest.raises(FieldError) as e:
        observation_extend(actor=personas["office"], obs=obs, new_end=obs.planned_end - timedelta(days=1), reason="x")
    assert e.value.code == "not_later"
    with pytest.raises(FieldError):
        observation_extend(actor=personas["office"], obs=obs, new_end=obs.planned_end + timedelta(days=7), reason="")
    longer = observation_extend(actor=personas["office"], obs=obs, new_end=obs.planned_end + timedelta(days=7),
                                reason="同住人确诊")
    assert longer.extensions.get().previous_end == obs.planned_end
    with pytest.raises(FieldError) as e:
        observation_end(actor=personas["office"], obs=obs, status="completed")
    assert e.value.code == "before_planned_end"
    with pytest.raises(FieldError) as e:
        observation_end(actor=personas["office"], obs=obs, status="ended_early")
    assert e.value.field == "reason"
    ended = observation_end(actor=personas["office"], obs=obs, status="ended_early", reason="核酸阴性，专家组解除")
    assert ended.status == "ended_early"


def test_follow_ups_after_the_end_are_refused(personas, person):
    start = timezone.localdate() - timedelta(days=20)
    obs = _start(personas, person, start)
    with pytest.raises(FieldError) as e:  # past the planned end (start + 14)
        followup_record(actor=personas["grid1"], obs=obs, temperature="36.5", at=at(start + timedelta(days=15), 9))
    assert e.value.code == "observation_ended"
    followup_record(actor=personas["grid1"], obs=obs, temperature="36.5", at=at(start + timedelta(days=14), 9))
    observation_end(actor=personas["office"], obs=obs, status="completed")
    with pytest.raises(FieldError) as e:
        followup_record(actor=personas["grid1"], obs=obs, temperature="36.5", at=at(start + timedelta(days=13), 9))
    assert e.value.code == "observation_ended"
    with pytest.raises(FieldError) as e:
        followup_record(actor=personas["grid1"], obs=obs, temperature="36.5", at=at(start - timedelta(days=1), 9))
    assert e.value.code in ("observation_ended", "before_start")


@pytest.mark.parametrize(("temperature", "comparison", "alert"), [
    ("37.3", ">=", True), ("37.2", ">=", False), ("37.3", ">", False), ("37.4", ">", True),
])
def test_fever_threshold_opens_an_alert(personas, person, places, temperature, comparison, alert):
    if comparison != ">=":
        policy_set(actor=personas["leader"], key="fever_comparison", value=comparison, community=places["home"],
                   effective_from=date(2020, 1, 1))
        policy_cache_clear()
    obs = _start(personas, person, timezone.localdate())
    fu = followup_record(actor=personas["grid1"], obs=obs, temperature=temperature, symptoms=["cough"])
    assert fu.fever is alert
    fevers = Alert.objects.filter(kind="fever", status="open", observation=obs)
    assert fevers.count() == (1 if alert else 0)
    if alert:
        a = fevers.get()
        assert a.responsible == personas["grid1"] and a.followup == fu


def test_missed_follow_ups_are_raised_at_each_deadline_once(personas, person):
    day = date(2026, 3, 2)
    obs = _start(personas, person, day)
    Observation.objects.filter(pk=obs.pk).update(opened_at=at(day, 8))
    assert missed_followups_sweep(now=at(day, 13, 59)) == 0
    followup_record(actor=personas["grid1"], obs=obs, temperature="36.6", at=at(day, 10))
    assert missed_followups_sweep(now=at(day, 14, 0)) == 0      # slot 0 (06:00–14:00) has its follow-up
    assert missed_followups_sweep(now=at(day, 21, 59)) == 0
    assert missed_followups_sweep(now=at(day, 22, 0)) == 1      # slot 1 (14:00–22:00) closed empty
    assert missed_followups_sweep(now=at(day, 23, 0)) == 0      # and only once
    a = Alert.objects.get(kind="missed_followup")
    assert (a.day, a.slot, a.status, a.responsible) == (day, 1, "open", personas["grid1"])
    # Two more days without anything: 4 more slots.
    assert missed_followups_sweep(now=at(day + timedelta(days=2), 22, 0)) == 4


def test_a_sweep_after_a_watermark_looks_only_at_the_slots_closed_since(personas, person):
    day = date(2026, 3, 2)
    obs = _start(personas, person, day)
    Observation.objects.filter(pk=obs.pk).update(opened_at=at(day, 0))
    later = day + timedelta(days=3)
    # Six slots closed empty by `later` 23:00; a sweep told that everything up to `later` 12:00 was swept
    # raises only the two that closed after it (14:00 and 22:00 of `later`).
    assert missed_followups_sweep(now=at(later, 23), after=at(later, 12)) == 2
    assert set(Alert.objects.values_list("day", "slot")) == {(later, 0), (later, 1)}
    # Without a watermark the whole history is swept, once.
    assert missed_followups_sweep(now=at(later, 23)) == 6
    assert missed_followups_sweep(now=at(later, 23), after=at(later, 12)) == 0
    assert missed_followups_sweep(now=at(later, 12), after=at(later, 12)) == 0  # an empty window


def test_the_alert_lists_sweep_a_scope_at_most_every_half_minute_from_its_watermark(personas, person):
    from django.core.cache import cache

    cache.clear()
    day = date(2026, 3, 2)
    obs = _start(personas, person, day)
    Observation.objects.filter(pk=obs.pk).update(opened_at=at(day, 8))
    leader = personas["leader"]
    swept = at(day, 13, 59) + timedelta(seconds=50)
    assert missed_followups_sweep_in_scope(actor=leader, now=swept) == 0
    # 14:00 closes slot 0 empty; 20 s after the scope's last sweep, the list does not sweep again…
    assert missed_followups_sweep_in_scope(actor=leader, now=swept + timedelta(seconds=20)) == 0
    assert not Alert.objects.exists()
    # …31 s after it, it does, from its watermark; and the slot is raised once.
    assert missed_followups_sweep_in_scope(actor=leader, now=swept + timedelta(seconds=31)) == 1
    assert missed_followups_sweep_in_scope(actor=leader, now=at(day, 15)) == 0
    assert Alert.objects.get().slot == 0
    # A clock set back (a test, a corrected server) starts a full sweep again rather than trusting the mark.
    Alert.objects.all().delete()
    assert missed_followups_sweep_in_scope(actor=leader, now=at(day, 14, 30)) == 1


def test_slots_before_the_observation_was_entered_are_not_missed(personas, person):
    day = date(2026, 3, 2)
    obs = _start(personas, person, day)
    Observation.objects.filter(pk=obs.pk).update(opened_at=at(day, 15))
    assert missed_followups_sweep(now=at(day, 21)) == 0
    assert missed_followups_sweep(now=at(day, 22)) == 1


def test_no_follow_ups_are_due_on_the_day_of_release(personas, person):
    start = date(2026, 3, 1)
    obs = _start(personas, person, start)
    Observation.objects.filter(pk=obs.pk).update(opened_at=at(start, 0))
    assert missed_followups_sweep(now=at(obs.planned_end, 23)) == 28  # 14 days × 2
    assert missed_followups_sweep(now=at(obs.planned_end + timedelta(days=3), 23)) == 0


def test_a_late_follow_up_closes_its_missed_alert(personas, person):
    day = timezone.localdate() - timedelta(days=1)
    obs = _start(personas, person, day)
    Observation.objects.filter(pk=obs.pk).update(opened_at=at(day, 7))
    missed_followups_sweep(now=at(day, 14, 30))
    alert = Alert.objects.get(kind="missed_followup", slot=0)
    followup_record(actor=personas["grid1"], obs=obs, temperature="36.4", at=at(day, 13, 0))
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.action


def test_alerts_are_closed_with_an_action_by_someone_in_scope(personas, person):
    obs = _start(personas, person, timezone.localdate())
    followup_record(actor=personas["grid1"], obs=obs, temperature="38.1")
    alert = Alert.objects.get(kind="fever")
    with pytest.raises(NotFound):
        alert_close(actor=personas["grid2"], alert=alert, action="x")
    with pytest.raises(FieldError):
        alert_close(actor=personas["grid1"], alert=alert, action=" ")
    closed = alert_close(actor=personas["grid1"], alert=alert, action="已联系120转运至发热门诊")
    assert closed.status == "closed" and closed.acknowledged_at is not None


def test_grid_worker_cannot_record_for_another_grid(personas, person):
    obs = _start(personas, person, timezone.localdate())
    with pytest.raises(NotFound):
        followup_record(actor=personas["grid2"], obs=obs, temperature="36.5")


def test_centralised_observation_needs_a_site_with_room(personas, person, places, make_person):
    site = site_create(actor=personas["office"], street=places["home"].street, name="集中观察点", capacity=1,
                       rooms=["101", "102"])
    with pytest.raises(FieldError) as e:
        _start(personas, person, timezone.localdate(), kind="centralised")
    assert e.value.code == "required"
    with pytest.raises(FieldError) as e:
        _start(personas, person, timezone.localdate(), kind="centralised", site=site, room="999")
    assert e.value.code == "unknown_room"
    _start(personas, person, timezone.localdate(), kind="centralised", site=site, room="101")
    with pytest.raises(FieldError) as e:
        _start(personas, make_person(places["grid1"]), timezone.localdate(), kind="centralised", site=site, room="102")
    assert e.value.code == "site_full"


@pytest.fixture
def gate(places):
    return Gate.objects.create(community=places["home"], code="east", name="辽阳东路门岗")


def _scan(personas, p, direction, **kw):
    return scan_record(actor=personas["guard"], req=ScanRequest(gate="east", direction=direction, code=p.number,
                                                                id_number=p.person.id_number, **kw))


def test_an_active_observation_denies_exit_at_the_gate_and_completion_lifts_it(personas, person, gate):
    p = pass_issue(actor=personas["office"], person=person, kind="resident", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 1, 1))
    start = timezone.localdate() - timedelta(days=14)
    obs = _start(personas, person, start)
    out = _scan(personas, p, "out")
    assert out.decision == "deny" and "under_observation" in out.scan.reasons
    assert _scan(personas, p, "in", temperature=Decimal("36.5")).decision == "allow"  # coming home is allowed
    observation_end(actor=personas["office"], obs=obs, status="completed")
    assert Pass.objects.get(pk=p.pk).status == "active"
    assert _scan(personas, p, "out").decision == "allow"


def test_a_pass_issued_during_observation_starts_suspended(personas, person, gate):
    _start(personas, person, timezone.localdate())
    p = pass_issue(actor=personas["office"], person=person, kind="temporary", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 1, 1))
    assert p.status == "suspended"
    assert "under_observation" in _scan(personas, p, "out").scan.reasons


def test_grid_workers_may_follow_up_but_not_start(personas, person):
    from fangkong.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        observation_start(actor=personas["grid1"], person=person, kind="home", start=timezone.localdate())


def test_each_day_is_judged_by_the_follow_ups_asked_that_day(personas, person, places):
    day = date(2026, 3, 2)
    policy_set(actor=personas["leader"], key="followups_per_day", value=3, community=places["home"],
               effective_from=day + timedelta(days=1))
    policy_cache_clear()
    obs = _start(personas, person, day)
    Observation.objects.filter(pk=obs.pk).update(opened_at=at(day, 0))
    assert missed_followups_sweep(now=at(day + timedelta(days=1), 23)) == 2 + 3
    slots = sorted(Alert.objects.filter(day=day + timedelta(days=1)).values_list("slot", flat=True))
    assert slots == [0, 1, 2]


def test_a_scope_past_the_inline_limit_is_swept_by_a_task(personas, person, monkeypatch):
    from django.core.cache import cache

    from fangkong.observation import sweeps

    cache.clear()
    day = date(2026, 3, 2)
    obs = _start(personas, person, day)
    Observation.objects.filter(pk=obs.pk).update(opened_at=at(day, 8))
    enqueued, task = [], sweeps.run_missed_followups_sweep

    class Queue:
        @staticmethod
        def enqueue(*args):
            enqueued.append(args)

    monkeypatch.setattr(sweeps, "run_missed_followups_sweep", Queue)
    monkeypatch.setattr(sweeps, "SWEEP_INLINE_COMMUNITIES", 0)
    assert missed_followups_sweep_in_scope(actor=personas["leader"], now=at(day, 15)) == 0
    assert not Alert.objects.exists() and len(enqueued) == 1  # the request raised nothing itself
    ids, after, now = enqueued[0]
    assert ids == [personas["leader"].scope_grants.get().community_id] and after is None
    # What the worker runs raises the slot, and the window of the next view starts at this one's `now`.
    assert task.call(ids, after, now) == 1
    missed_followups_sweep_in_scope(actor=personas["leader"], now=at(day, 15, 1))
    assert enqueued[1][1] == now
