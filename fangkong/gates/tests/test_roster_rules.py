"""The roster catches mistakes before they are saved: nobody on two shifts at overlapping times (at any gate),
every shift led by a committee member; shifts can be changed and deleted under the same rules, by a manager of
the gate's community only; and the week grid shows names, gaps and the conflicts of shifts saved before."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fangkong.accounts.models import AuditEntry
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.errors import DomainError, NotFound, ValidationErrors
from fangkong.gates.errors import GateCode
from fangkong.gates.models import Gate, Shift
from fangkong.gates.services import roster_conflicts, shift_add, shift_delete, shift_update
from fangkong.workgroup.models import Member
from fangkong.workgroup.services import member_add, working_group_create

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=SH)  # a Tuesday
H = timedelta(hours=1)


@pytest.fixture
def crew(personas, places, gates):
    home = places["home"]
    group = working_group_create(actor=personas["leader"], community=home, name="组", established=date(2020, 1, 24))
    lead = personas["leader"]

    def member(name, position, **kw):
        return member_add(actor=lead, group=group, name=name, position=position, **kw)

    linked = user_create(username="wei", password="pw-wei-long", role=Role.COMMITTEE_MEMBER, display_name="魏委员",
                         communities=[home])
    return {
        "zhang": member("张书记", Member.Position.SECRETARY),
        "li": member("李主任", Member.Position.DIRECTOR),
        "wei": member("魏委员", Member.Position.COMMITTEE, user=linked),
        "wei_user": linked,
        "volunteer_member": member("赵志愿", Member.Position.VOLUNTEER),
        "guard1": user_create(username="g1", password="pw-g1-long", role=Role.GUARD, display_name="门岗王",
                              communities=[home]),
        "guard2": user_create(username="g2", password="pw-g2-long", role=Role.GUARD, display_name="门岗陈",
                              communities=[home]),
    }


def add(actor, gate, start, hours, leader, staff=()):
    return shift_add(actor=actor, gate=gate, starts_at=start, ends_at=start + hours * H, leader=leader,
                     staff=list(staff))


def codes(exc: DomainError) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in exc.field_errors]


def test_a_guard_on_two_gates_at_overlapping_times_is_refused_naming_the_person_gate_and_time(personas, gates, crew):
    leader = personas["leader"]
    add(leader, gates["east"], T0, 8, crew["zhang"], [crew["guard1"]])
    with pytest.raises(ValidationErrors) as caught:
        add(leader, gates["north"], T0 + 4 * H, 8, crew["li"], [crew["guard1"], crew["guard2"]])
    assert codes(caught.value) == [("staff", GateCode.DOUBLE_BOOKED)]
    message = caught.value.field_errors[0].message
    assert "门岗王" in message and "辽阳东路门岗" in message and "12-01 08:00–16:00" in message
    assert Shift.objects.count() == 1


def test_adjacent_shifts_are_no_clash_but_one_minute_of_overlap_is(personas, gates, crew):
    leader = personas["leader"]
    add(leader, gates["east"], T0, 8, crew["zhang"], [crew["guard1"]])
    add(leader, gates["north"], T0 + 8 * H, 8, crew["li"], [crew["guard1"]])  # 16:00 hand-over: fine
    add(leader, gates["north"], T0 - 8 * H, 8, crew["li"], [crew["guard1"]])  # 00:00–08:00: fine
    with pytest.raises(ValidationErrors):
        shift_add(actor=leader, gate=gates["north"], starts_at=T0 + 8 * H - timedelta(minutes=1),
                  ends_at=T0 + 9 * H, leader=crew["wei"], staff=[crew["guard1"]])
    assert Shift.objects.count() == 3


def test_one_person_leading_two_gates_in_the_same_shift_is_refused(personas, gates, crew):
    leader = personas["leader"]
    add(leader, gates["east"], T0, 8, crew["li"])
    with pytest.raises(ValidationErrors) as caught:
        add(leader, gates["north"], T0, 8, crew["li"], [crew["guard2"]])
    assert codes(caught.value) == [("leader", GateCode.DOUBLE_BOOKED)]
    assert "李主任" in caught.value.field_errors[0].message


def test_a_leaders_account_standing_as_staff_elsewhere_is_the_same_person(personas, gates, crew):
    """魏委员 leads at the east gate; their user account cannot also stand guard at the north gate."""
    leader = personas["leader"]
    add(leader, gates["east"], T0, 8, crew["wei"])
    with pytest.raises(ValidationErrors) as caught:
        add(leader, gates["north"], T0 + 2 * H, 4, crew["zhang"], [crew["wei_user"]])
    assert codes(caught.value) == [("staff", GateCode.DOUBLE_BOOKED)]
    assert "魏委员" in caught.value.field_errors[0].message


def test_the_same_person_twice_on_one_gate_at_overlapping_times_is_refused_too(personas, gates, crew):
    leader = personas["leader"]
    add(leader, gates["east"], T0, 8, crew["zhang"], [crew["guard1"]])
    with pytest.raises(ValidationErrors):
        add(leader, gates["east"], T0 + 6 * H, 8, crew["li"], [crew["guard1"]])


def test_a_shift_without_a_committee_member_leading_is_refused(personas, gates, crew):
    with pytest.raises(ValidationErrors) as caught:
        add(personas["leader"], gates["east"], T0, 8, crew["volunteer_member"], [crew["guard1"]])
    assert codes(caught.value) == [("leader", GateCode.NOT_COMMITTEE)]
    assert "赵志愿" in caught.value.field_errors[0].message
    assert not Shift.objects.exists()


def test_every_mistake_is_reported_at_once(personas, gates, crew):
    leader = personas["leader"]
    add(leader, gates["east"], T0, 8, crew["zhang"], [crew["guard1"], crew["guard2"]])
    with pytest.raises(ValidationErrors) as caught:
        add(leader, gates["north"], T0, 8, crew["volunteer_member"], [crew["guard1"], crew["guard2"]])
    assert sorted(codes(caught.value)) == [("leader", GateCode.NOT_COMMITTEE), ("staff", GateCode.DOUBLE_BOOKED),
                                           ("staff", GateCode.DOUBLE_BOOKED)]


def test_edit_keeps_the_rules_and_is_audited(personas, gates, crew):
    leader = personas["leader"]
    east = add(leader, gates["east"], T0, 8, crew["zhang"], [crew["guard1"]])
    north = add(leader, gates["north"], T0 + 8 * H, 8, crew["li"], [crew["guard2"]])
    # Moving the north shift earlier would put 门岗王 … no: guard2 is on it; add guard1 and overlap the east shift.
    with pytest.raises(ValidationErrors) as caught:
        shift_update(actor=leader, shift=north, gate=gates["north"], starts_at=T0 + 6 * H, ends_at=T0 + 14 * H,
                     leader=crew["li"], staff=[crew["guard1"], crew["guard2"]])
    assert codes(caught.value) == [("staff", GateCode.DOUBLE_BOOKED)]
    north.refresh_from_db()
    assert north.starts_at == T0 + 8 * H and set(north.staff.all()) == {crew["guard2"]}
    with pytest.raises(ValidationErrors):
        shift_update(actor=leader, shift=east, gate=gates["east"], starts_at=T0, ends_at=T0 + 8 * H,
                     leader=crew["volunteer_member"], staff=[crew["guard1"]])
    # A shift is no clash with its own former self.
    shift_update(actor=leader, shift=east, gate=gates["east"], starts_at=T0 + H, ends_at=T0 + 8 * H,
                 leader=crew["wei"], staff=[crew["guard1"], crew["guard2"]])
    east.refresh_from_db()
    assert (east.starts_at, east.leader) == (T0 + H, crew["wei"])
    assert set(east.staff.all()) == {crew["guard1"], crew["guard2"]}
    entry = AuditEntry.objects.filter(object_type="shift", action="update").get()
    assert entry.object_id == str(east.pk) and set(entry.fields) == {"starts_at", "leader", "staff"}


def test_delete_removes_the_shift_and_is_audited(personas, gates, crew):
    shift = add(personas["office"], gates["east"], T0, 8, crew["zhang"], [crew["guard1"]])
    shift_delete(actor=personas["office"], shift=shift)
    assert not Shift.objects.exists()
    assert AuditEntry.objects.filter(object_type="shift", object_id=str(shift.pk), action="delete").exists()
    # The hours are free again.
    add(personas["office"], gates["north"], T0, 8, crew["zhang"], [crew["guard1"]])


def test_another_communitys_manager_cannot_change_or_delete(personas, gates, crew, login):
    shift = add(personas["leader"], gates["east"], T0, 8, crew["zhang"])
    outsider = personas["outsider"]
    with pytest.raises(NotFound):
        shift_update(actor=outsider, shift=shift, gate=gates["east"], starts_at=T0, ends_at=T0 + H,
                     leader=crew["zhang"])
    with pytest.raises(NotFound):
        shift_delete(actor=outsider, shift=shift)
    c = login("outsider")
    assert c.get(f"/gate/roster/shifts/{shift.pk}/edit").status_code == 404
    assert c.post(f"/gate/roster/shifts/{shift.pk}/delete").status_code == 404
    assert login("guard").post(f"/gate/roster/shifts/{shift.pk}/delete").status_code == 403
    assert Shift.objects.filter(pk=shift.pk).exists()
    # Nor move a shift of their own community's gate … they have none here; neither a gate of ours for them.
    far_leader = Member.objects.create(group=crew["zhang"].group, community=gates["far"].community, name="外",
                                       position=Member.Position.COMMITTEE)
    with pytest.raises(NotFound):
        add(outsider, gates["east"], T0, 8, far_leader)


def test_the_edit_page_shows_the_rules_as_field_errors_in_words(personas, gates, crew, login):
    leader = personas["leader"]
    add(leader, gates["east"], T0, 8, crew["zhang"], [crew["guard1"]])
    north = add(leader, gates["north"], T0 + 8 * H, 8, crew["li"])
    c = login("leader")
    r = c.post(f"/gate/roster/shifts/{north.pk}/edit", {
        "gate": gates["north"].pk, "starts_at": "2026-12-01T12:00", "ends_at": "2026-12-01T20:00",
        "leader": crew["volunteer_member"].pk, "staff": [crew["guard1"].pk]})
    assert r.status_code == 422
    html = r.content.decode()
    staff_error = re.search(r'id="id_staff_error">(.*?)</ul>', html, re.S).group(1)
    assert "门岗王 is already on duty at 辽阳东路门岗, 12-01 08:00–16:00" in staff_error
    leader_error = re.search(r'id="id_leader_error">(.*?)</ul>', html, re.S).group(1)
    assert "赵志愿" in leader_error and "committee member" in leader_error
    r = c.post(f"/gate/roster/shifts/{north.pk}/edit", {
        "gate": gates["north"].pk, "starts_at": "2026-12-01T16:00", "ends_at": "2026-12-02T00:00",
        "leader": crew["wei"].pk, "staff": [crew["guard1"].pk]})
    assert r.status_code == 302 and r["Location"] == "/gate/roster/north/?week=2026-11-30"
    north.refresh_from_db()
    assert north.leader == crew["wei"]


def test_the_delete_page_asks_then_deletes_on_post(personas, gates, crew, login):
    shift = add(personas["leader"], gates["east"], T0, 8, crew["zhang"], [crew["guard1"]])
    c = login("office")
    r = c.get(f"/gate/roster/shifts/{shift.pk}/delete")
    assert r.status_code == 200 and "张书记" in r.content.decode() and Shift.objects.exists()
    r = c.post(f"/gate/roster/shifts/{shift.pk}/delete")
    assert r.status_code == 302 and not Shift.objects.exists()


def test_the_add_form_refuses_a_double_booking(personas, gates, crew, login):
    add(personas["leader"], gates["east"], T0, 8, crew["zhang"], [crew["guard1"]])
    r = login("leader").post("/gate/roster/", {"gate": gates["north"].pk, "starts_at": "2026-12-01T10:00",
                                               "ends_at": "2026-12-01T18:00", "leader": crew["li"].pk,
                                               "staff": [crew["guard1"].pk]})
    assert r.status_code == 422
    assert "门岗王 is already on duty at 辽阳东路门岗" in r.content.decode()
    assert Shift.objects.count() == 1


def _legacy(gate, start, hours, leader, staff=()):
    """A shift saved before the rules (an import, an old demo): straight into the table."""
    s = Shift.objects.create(community_id=gate.community_id, gate=gate, starts_at=start,
                             ends_at=start + hours * H, leader=leader)
    s.staff.set(staff)
    return s


def test_conflicts_of_saved_shifts_are_found(gates, crew):
    a = _legacy(gates["east"], T0, 8, crew["li"], [crew["guard1"]])
    b = _legacy(gates["north"], T0, 8, crew["li"], [crew["guard1"]])
    c = _legacy(gates["east"], T0 + 8 * H, 8, crew["volunteer_member"], [crew["guard1"]])  # adjacent to a and b
    found = roster_conflicts(shifts=list(Shift.objects.prefetch_related("staff").select_related("leader")))
    assert {(x.field, x.name, x.other.pk) for x in found[a.pk]} == {("leader", "李主任", b.pk),
                                                                    ("staff", "门岗王", b.pk)}
    assert {(x.field, x.other.pk if x.other else None) for x in found[b.pk]} == {("leader", a.pk), ("staff", a.pk)}
    assert [(x.field, x.other) for x in found[c.pk]] == [("leader", None)]


def test_the_week_grid_shows_names_gaps_today_and_conflicts(personas, gates, crew, login):
    today = datetime.now(SH).date()
    monday = today - timedelta(days=today.weekday())
    day0 = datetime.combine(monday, datetime.min.time(), tzinfo=SH)
    _legacy(gates["east"], day0 + 8 * H, 8, crew["li"], [crew["guard1"]])
    _legacy(gates["north"], day0 + 8 * H, 8, crew["li"], [crew["guard2"]])  # 李主任 leads two gates at once
    c = login("leader")
    html = c.get("/gate/roster/east/").content.decode()
    assert "李主任" in html and "门岗王" in html  # names, not usernames
    assert "g1" not in re.sub(r"<[^>]+>", "", html).split()  # the guard's username is not shown
    assert "李主任 is already on duty at 北门岗" in html
    assert "Covered." not in html and "conflict" in html
    assert f'id="day-{today:%Y-%m-%d}" aria-current="date"' in html
    assert "Nobody" in html and "00:00–08:00" in html and "16:00–24:00" in html  # the gaps of Monday
    assert html.count('class="day') == 7
    nxt = c.get(f"/gate/roster/east/?week={monday + timedelta(days=7):%Y-%m-%d}").content.decode()
    assert "李主任" not in nxt and f"?week={monday:%Y-%m-%d}" in nxt
    # The 48-hour overview does not call a gate with a conflict covered either.
    assert c.get("/gate/roster/").status_code == 200
    # Someone who may only look sees no edit links.
    guard_view = login("guard").get("/gate/roster/east/").content.decode()
    assert "李主任" in guard_view and "/edit" not in guard_view


def test_the_48_hour_roster_does_not_call_a_gate_with_a_clash_covered(personas, gates, crew, login):
    """The report: 已全部排班 while one person led two gates in the same shift. Both gates fully covered
    for the next 48 hours, 李主任 leading both for the first 8 of them: neither is called covered."""
    now = datetime.now(SH).replace(second=0, microsecond=0)
    for gate in (gates["east"], gates["north"]):
        _legacy(gate, now - H, 9, crew["li"])
        _legacy(gate, now + 8 * H, 48, crew["zhang"] if gate == gates["east"] else crew["wei"])
    html = login("leader").get("/gate/roster/").content.decode()
    east = html.split('id="gate-east"')[1].split("</section>")[0]
    assert "Covered." not in east and "No gap, but 1 conflict to fix." in east
    assert "李主任 is already on duty at 北门岗" in east
    assert "2 conflicts in the next 48 hours" in html
    # Once the north gate has its own leader, both are covered.
    Shift.objects.filter(gate=gates["north"], leader=crew["li"]).update(leader=crew["volunteer_member"])
    html = login("leader").get("/gate/roster/").content.decode()
    assert "李主任 is already on duty" not in html and "赵志愿 is not a committee member" in html
    # 张书记 leads north until +8 h and east from then on: a hand-over, no clash; both gates are covered.
    Shift.objects.filter(gate=gates["north"], leader=crew["volunteer_member"]).update(leader=crew["zhang"])
    html = login("leader").get("/gate/roster/").content.decode()
    assert html.count("Covered.") == 2 and "conflict" not in html


def test_the_week_param_is_forgiving(login, gates):
    c = login("leader")
    for week in ("", "nonsense", "0001-01-01", "9999-12-31", "2026-02-30"):
        assert c.get(f"/gate/roster/east/?week={week}").status_code == 200
    assert login("outsider").get("/gate/roster/east/").status_code == 404


def test_a_gate_in_another_community_is_named_only_to_those_who_see_it(personas, places, gates, crew):
    """A street volunteer standing at two communities' gates: the manager of one learns of the clash, not
    the other community's gate."""
    volunteer = user_create(username="v", password="pw-v-long-enough", role=Role.VOLUNTEER, display_name="志愿者甲",
                            streets=[places["home"].street])
    neighbour = places["neighbour"]
    other_gate = Gate.objects.create(community=neighbour, code="nb", name="邻社区门岗")
    group = working_group_create(actor=personas["admin"], community=neighbour, name="邻组",
                                 established=date(2020, 1, 24))
    their_lead = member_add(actor=personas["admin"], group=group, name="邻委员", position=Member.Position.COMMITTEE)
    add(personas["admin"], other_gate, T0, 8, their_lead, [volunteer])
    with pytest.raises(ValidationErrors) as caught:
        add(personas["leader"], gates["east"], T0, 8, crew["zhang"], [volunteer])
    message = caught.value.field_errors[0].message
    assert "志愿者甲" in message and "邻社区门岗" not in message and "another community" in message


@pytest.mark.django_db(transaction=True)
def test_two_managers_rostering_one_guard_at_once_save_one_shift(personas, places):
    """Eight managers put the same guard on a shift at the same hours, each at their gate with their own
    leader, all at once: the check and the insert hold the people's rows, so exactly one shift is saved."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    home = places["home"]
    group = working_group_create(actor=personas["leader"], community=home, name="组", established=date(2020, 1, 24))
    leaders = [member_add(actor=personas["leader"], group=group, name=f"委员{i}", position=Member.Position.COMMITTEE)
               for i in range(8)]
    gates = [Gate.objects.create(community=home, code=f"g{i}", name=f"门{i}") for i in range(8)]
    guard, actor = personas["guard"], personas["leader"]
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def manager(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            add(actor, gates[i], T0, 8, leaders[i], [guard])
            outcomes.append("saved")
        except ValidationErrors as exc:
            outcomes.append(",".join(e.code for e in exc.field_errors))
        except BaseException as exc:
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=manager, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == [GateCode.DOUBLE_BOOKED] * 7 + ["saved"]
    assert Shift.objects.count() == 1
