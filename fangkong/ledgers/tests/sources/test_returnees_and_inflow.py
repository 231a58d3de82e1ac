"""The returnees ledger (forms.md §1) and the key-area inflow ledger (§3): returns from the key areas in
force, read from the travel records every way of learning of a return writes."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core.dates import local_today
from fangkong.ledgers.sources import SPECS, default_title
from fangkong.ledgers.sources.returnees import returnees_title
from fangkong.ledgers.tests.sources.conftest import (
    all_text,
    data_rows,
    header_texts,
    title_merged,
    write_and_read,
)
from fangkong.observation.returnees import ReportData, report_by_office, report_confirm
from fangkong.observation.services import observation_start
from fangkong.passes.services import pass_issue
from fangkong.policy.models import PolicyValue
from fangkong.registry.models import Tenancy
from fangkong.screening.services import travel_record_add


def _returns(personas, places, make_person):
    """Two key-area returns in the home community in the week, and the returns that must not show."""
    office, today = personas["office"], local_today()
    wuhan = make_person(places["grid1"], name="武汉归", phone="13800138001")
    travel_record_add(actor=office, person=wuhan, place="湖北省武汉市", left_on=today - timedelta(days=20),
                      returned_on=today - timedelta(days=2), transport="G1234")
    observation_start(actor=office, person=wuhan, kind="home", start=today - timedelta(days=2))
    xiaogan = make_person(places["grid2"], name="孝感归", phone="13800138002")
    report = report_by_office(actor=office, community=places["home"],
                              data=ReportData(from_place="湖北省孝感市", arrival_date=today - timedelta(days=1),
                                              person_id=xiaogan.pk))
    report_confirm(actor=office, report=report)  # records the journey and starts observation (policy)
    jinan = make_person(places["grid1"], name="济南归")
    travel_record_add(actor=office, person=jinan, place="山东省济南市", returned_on=today - timedelta(days=1))
    earlier = make_person(places["grid1"], name="早先归")
    travel_record_add(actor=office, person=earlier, place="湖北省", returned_on=today - timedelta(days=30))
    other = make_person(places["neighbour"].grids.get(number=1), name="邻社区归")
    travel_record_add(actor=personas["admin"], person=other, place="湖北省武汉市", returned_on=today)
    return wuhan, xiaogan


def test_returnees_rows_are_the_key_area_returns_of_the_community_and_range(personas, places, make_person, ctx):
    wuhan, _xiaogan = _returns(personas, places, make_person)
    spec, context = SPECS["returnees"], ctx()
    rows = list(spec.rows(context))
    assert [r["name"] for r in rows] == ["武汉归", "孝感归"]  # by return date; 济南, earlier and C2's not
    assert spec.count(context) == 2
    by_name = {r["name"]: r for r in rows}
    assert by_name["武汉归"]["from_wuhan"] is True and by_name["孝感归"]["from_wuhan"] is False
    assert by_name["武汉归"]["transport"] == "G1234"
    for r in rows:
        assert r["measure"] == "居家隔离医学观察" and r["released"] is False
    assert by_name["孝感归"]["obs_start"] == local_today() - timedelta(days=1)
    assert by_name["孝感归"]["obs_end"] == local_today() - timedelta(days=1) + timedelta(days=14)
    assert by_name["孝感归"]["source"] == "社区登记" and by_name["武汉归"]["source"] == "社区登记"
    # masked by default
    assert by_name["武汉归"]["id_number"] == wuhan.id_number_masked != wuhan.id_number
    assert by_name["武汉归"]["phone"] == wuhan.phone_masked


def test_returnees_reveal_only_when_the_context_may(personas, places, make_person, ctx):
    wuhan, _xiaogan = _returns(personas, places, make_person)
    rows = {r["name"]: r for r in SPECS["returnees"].rows(ctx(reveal=True))}
    assert rows["武汉归"]["id_number"] == wuhan.id_number
    assert rows["孝感归"]["phone"] == "13800138002"


def test_the_title_names_the_key_areas_in_force(personas, places, ctx):
    context = ctx()
    assert returnees_title(context) == "返回湖北人员摸排登记台账"
    assert default_title(SPECS["returnees"], context) == "返回湖北人员摸排登记台账"
    PolicyValue.objects.create(community=places["home"], key="key_areas", value=["湖北省", "浙江省温州市"],
                               effective_from=local_today() - timedelta(days=30))
    from fangkong.core.localcache import clear_all

    clear_all()
    assert returnees_title(ctx()) == "返回湖北、温州人员摸排登记台账"


def test_returnees_file_read_back(personas, places, make_person, ctx, tmp_path):
    wuhan, _ = _returns(personas, places, make_person)
    spec = SPECS["returnees"]
    sheet, count = write_and_read(spec, ctx(), tmp_path)
    assert count == 2
    assert sheet["A1"].value == spec.title
    assert title_merged(sheet, spec)
    assert header_texts(sheet, spec) == [c.header for c in spec.columns]
    assert sheet.cell(row=3, column=10).value == "外出情况"  # the grouped two-row header
    rows = data_rows(sheet, spec, count)
    ids = [c.key for c in spec.columns].index("id_number")
    assert rows[0][0] == 1 and rows[0][1] == "武汉归"
    assert rows[0][ids] == wuhan.id_number_masked
    assert wuhan.id_number not in all_text(sheet)


def test_inflow_has_the_class_the_lodging_the_landlord_and_the_pass(personas, places, make_person, ctx):
    office, today = personas["office"], local_today()
    landlord = make_person(places["grid1"], name="房东甲", phone="13900139000")
    tenant = make_person(places["grid1"], name="租客乙", category="floating", household=landlord.household,
                         landlord=landlord)
    travel_record_add(actor=office, person=tenant, place="湖北省黄冈市", returned_on=today - timedelta(days=3))
    card = pass_issue(actor=office, person=tenant, kind="temporary", valid_from=today,
                      valid_until=today + timedelta(days=14))
    assert Tenancy.objects.filter(tenant=tenant, landlord=landlord).exists()
    spec, context = SPECS["key_area_inflow"], ctx()
    rows = list(spec.rows(context))
    assert len(rows) == spec.count(context) == 1
    row = rows[0]
    assert (row["name"], row["key_class"], row["lodging"], row["landlord"], row["pass_number"]) == (
        "租客乙", "湖北其他", "租住", "房东甲", card.number)
    assert row["landlord_phone"] == landlord.phone_masked
    assert row["measure"] == "无"
    revealed = next(iter(spec.rows(ctx(reveal=True))))
    assert revealed["landlord_phone"] == "13900139000"


def test_inflow_file_read_back(personas, places, make_person, ctx, tmp_path):
    _returns(personas, places, make_person)
    spec = SPECS["key_area_inflow"]
    sheet, count = write_and_read(spec, ctx(), tmp_path)
    assert count == 2 and sheet["A1"].value == "重点地区流入人员情况排查表"
    assert header_texts(sheet, spec) == [c.header for c in spec.columns]
    classes = [row[[c.key for c in spec.columns].index("key_class")] for row in data_rows(sheet, spec, count)]
    assert classes == ["武汉", "湖北其他"]
