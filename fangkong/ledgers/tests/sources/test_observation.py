"""The observation register (forms.md §4a): observations overlapping the range, follow-ups counted."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from fangkong.core.dates import local_today
from fangkong.ledgers.sources import SPECS
from fangkong.ledgers.tests.sources.conftest import all_text, data_rows, header_texts, title_merged, write_and_read
from fangkong.observation.models import Observation
from fangkong.observation.services import followup_record, observation_end, observation_start, site_create


def _observed(personas, places, make_person):
    office, today, now = personas["office"], local_today(), timezone.now()
    home = make_person(places["grid1"], name="居家甲", phone="13800138011")
    obs = observation_start(actor=office, person=home, kind="home", start=today - timedelta(days=3))
    followup_record(actor=office, obs=obs, temperature=Decimal("36.5"), at=now - timedelta(minutes=20))
    followup_record(actor=office, obs=obs, temperature=Decimal("37.0"), at=now - timedelta(minutes=10))
    site = site_create(actor=personas["admin"], street=places["home"].street, name="海景宾馆", capacity=10,
                       rooms=["101", "102"])
    central = make_person(places["grid2"], name="集中乙")
    observation_start(actor=office, person=central, kind="centralised", site=site, room="101",
                      start=today - timedelta(days=1))
    released = make_person(places["grid1"], name="解除丙")
    done = observation_start(actor=office, person=released, kind="home", start=today - timedelta(days=14))
    observation_end(actor=office, obs=done, status="completed")
    other = make_person(places["neighbour"].grids.get(number=1), name="邻社区丁")
    observation_start(actor=personas["admin"], person=other, kind="home", start=today)
    return obs


def test_rows_are_the_observations_overlapping_the_range_in_the_community(personas, places, make_person, ctx):
    obs = _observed(personas, places, make_person)
    spec, context = SPECS["observation"], ctx()
    rows = {r["name"]: r for r in spec.rows(context)}
    assert set(rows) == {"居家甲", "集中乙", "解除丙"} and spec.count(context) == 3
    home = rows["居家甲"]
    assert (home["kind"], home["status"], home["days"], home["followups_done"], home["last_temperature"]) == (
        "居家", "观察中", 14, 2, Decimal("37.0"))
    assert home["planned_end"] == obs.planned_end and home["released_on"] is None
    assert home["id_number"] == obs.person.id_number_masked
    assert (rows["集中乙"]["kind"], rows["集中乙"]["site"]) == ("集中", "海景宾馆 101")
    assert (rows["解除丙"]["status"], rows["解除丙"]["released_on"]) == ("已解除", local_today())
    # A range after the release no longer holds the released observation.
    later = ctx(date_from=local_today() + timedelta(days=1), date_to=local_today() + timedelta(days=2))
    assert {r["name"] for r in spec.rows(later)} == {"居家甲", "集中乙"} and spec.count(later) == 2
    assert next(r for r in spec.rows(ctx(reveal=True)) if r["name"] == "居家甲")["id_number"] == obs.person.id_number


def test_follow_ups_due_are_the_slots_closed_since_the_observation_was_entered(personas, places, make_person, ctx):
    obs = _observed(personas, places, make_person)
    now = timezone.now()
    opened = now - timedelta(days=2, hours=5)
    Observation.objects.filter(pk=obs.pk).update(opened_at=opened)
    # Twice a day (policy default): each day's slots close at 14:00 and 22:00 local time.
    expected, day = 0, obs.start
    while day <= local_today():
        for hour in (14, 22):
            deadline = timezone.make_aware(datetime.combine(day, time(hour)))
            expected += opened < deadline <= now
        day += timedelta(days=1)
    row = next(r for r in SPECS["observation"].rows(ctx()) if r["name"] == "居家甲")
    assert row["followups_due"] == expected


def test_observation_file_read_back(personas, places, make_person, ctx, tmp_path):
    obs = _observed(personas, places, make_person)
    spec = SPECS["observation"]
    sheet, count = write_and_read(spec, ctx(), tmp_path)
    assert count == 3 and sheet["A1"].value == spec.title and title_merged(sheet, spec)
    assert header_texts(sheet, spec) == [c.header for c in spec.columns]
    assert sheet.cell(row=3, column=[c.key for c in spec.columns].index("followups_done") + 1).value == "随访情况"
    names = [row[1] for row in data_rows(sheet, spec, count)]
    assert sorted(names) == sorted(["居家甲", "集中乙", "解除丙"])
    assert obs.person.id_number not in all_text(sheet)
