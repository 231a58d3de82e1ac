"""The daily report roll-up (forms.md §2): one row per community of the street and day."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core.dates import local_today
from fangkong.ledgers.sources import SPECS
from fangkong.ledgers.tests.sources.conftest import data_rows, header_texts, title_merged, write_and_read
from fangkong.observation.services import observation_start
from fangkong.reports.services import daily_report_submit


def _street_ctx(ctx, places, **kw):
    return ctx(communities=(places["home"], places["neighbour"]), street=places["home"].street, actor="street",
               date_from=kw.pop("date_from", local_today()), date_to=kw.pop("date_to", local_today()))


def test_one_row_per_community_with_the_figures_and_the_submission(personas, places, make_person, ctx):
    office, today = personas["office"], local_today()
    for n in range(2):
        observation_start(actor=office, person=make_person(places["grid1"], name=f"观察{n}"), kind="home",
                          start=today - timedelta(days=1))
    daily_report_submit(actor=personas["leader"], community=places["home"], day=today, note="平稳")
    spec, context = SPECS["daily_report"], _street_ctx(ctx, places)
    rows = list(spec.rows(context))
    assert [r["community"] for r in rows] == ["一号社区", "二号社区"] and spec.count(context) == 2
    home, neighbour = rows
    assert home["home_observation_now"] == 2 and neighbour["home_observation_now"] == 0  # made above
    assert (home["status"], home["version"], home["remarks"], home["submitted_by"]) == ("已上报", 1, "平稳", "leader")
    assert neighbour["status"] in ("未上报(草稿)", "未上报(逾期)") and neighbour["version"] is None
    assert home["period"].endswith("00:00") and "至" in home["period"]
    assert "九号社区" not in {r["community"] for r in rows}  # another street's community is not in the context


def test_a_range_gives_a_row_per_community_and_day(places, ctx):
    spec = SPECS["daily_report"]
    context = _street_ctx(ctx, places, date_from=local_today() - timedelta(days=2))
    rows = list(spec.rows(context))
    assert len(rows) == spec.count(context) == 6
    assert [r["date"] for r in rows[:2]] == [local_today() - timedelta(days=2)] * 2


def test_daily_report_file_read_back(personas, places, ctx, tmp_path):
    spec = SPECS["daily_report"]
    sheet, count = write_and_read(spec, _street_ctx(ctx, places), tmp_path)
    assert count == 2 and sheet["A1"].value == spec.title and title_merged(sheet, spec)
    assert header_texts(sheet, spec) == [c.header for c in spec.columns]
    assert "街道" in str(sheet["A2"].value)
    assert [r[1] for r in data_rows(sheet, spec, count)] == ["一号社区", "二号社区"]
