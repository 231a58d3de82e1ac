"""The visitors ledger (forms.md §5/§6) and the gate log: rows of the community's gates in the range."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from fangkong.core.identifiers import id_check_char, mask_name
from fangkong.gates.models import Scan, Visitor
from fangkong.gates.scanning import ScanRequest, scan_record
from fangkong.gates.services import visitor_register
from fangkong.ledgers.sources import SPECS
from fangkong.ledgers.tests.sources.conftest import all_text, data_rows, header_texts, title_merged, write_and_read
from fangkong.passes.errors import REASONS
from fangkong.passes.services import pass_issue


def _id(n: int) -> str:
    first17 = f"42010219850101{n:03d}"
    return first17 + id_check_char(first17)


def _visitors(personas):
    guard = personas["guard"]
    ok = visitor_register(actor=guard, gate_code="east", name="访客甲", id_number=_id(1), phone="13700137001",
                          reason="送货", temperature=Decimal("36.5"), plate="鲁B12345",
                          household_text="3号楼1单元101")
    hot = visitor_register(actor=guard, gate_code="east", name="访客乙", id_number=_id(2), phone="13700137002",
                           reason="探视", temperature=Decimal("38.2"), household_text="3号楼1单元102")
    visitor_register(actor=personas["admin"], gate_code="c2gate", name="邻社区访客", id_number=_id(3),
                     phone="13700137003", reason="送水", temperature=Decimal("36.4"), household_text="1号楼")
    return ok, hot


def _zh(code: str) -> str:
    with translation.override("zh-hans"):
        return str(REASONS[code])


def test_visitors_rows(personas, gates, ctx):
    ok, hot = _visitors(personas)
    assert hot.decision == "deny"
    spec, context = SPECS["visitors"], ctx()
    rows = list(spec.rows(context))
    assert [r["name"] for r in rows] == ["访客甲", "访客乙"] and spec.count(context) == 2
    first, second = rows
    assert (first["gate"], first["decision"], first["plate"], first["guard"]) == ("辽阳东路门岗", "放行", "鲁B12345",
                                                                                   "guard")
    assert first["id_number"] == ok.id_number_masked and first["phone"] == ok.phone_masked
    assert second["decision"] == "拒绝" and second["reasons"] == "；".join(_zh(c) for c in hot.reasons)
    with translation.override("en"):
        assert second["reasons"] != str(REASONS[hot.reasons[0]])  # Chinese whatever the reader's language
    revealed = list(spec.rows(ctx(reveal=True)))
    assert revealed[0]["id_number"] == _id(1) and revealed[0]["phone"] == "13700137001"
    # Another day holds none of them.
    assert spec.count(ctx(date_from=context.date_to + timedelta(days=1),
                          date_to=context.date_to + timedelta(days=1))) == 0


def test_visitors_file_read_back(personas, gates, ctx, tmp_path):
    _visitors(personas)
    spec = SPECS["visitors"]
    sheet, count = write_and_read(spec, ctx(), tmp_path)
    assert count == 2 and sheet["A1"].value == spec.title and title_merged(sheet, spec)
    assert header_texts(sheet, spec) == [c.header for c in spec.columns]
    rows = data_rows(sheet, spec, count)
    ids = [c.key for c in spec.columns].index("id_number")
    assert sheet.cell(row=4, column=ids + 1).data_type == "s"
    assert [r[ids] for r in rows] == [v.id_number_masked for v in Visitor.objects.filter(gate=gates["east"])
                                      .order_by("at", "id")]
    assert _id(1) not in all_text(sheet) and "邻社区访客" not in all_text(sheet)


def _scans(personas, places, make_person, gates):
    guard, now = personas["guard"], timezone.now()
    tenant = make_person(places["grid1"], name="外来务工", category="floating")
    card = pass_issue(actor=personas["office"], person=tenant, kind="temporary", valid_from=timezone.localdate(now)
                      - timedelta(days=2), valid_until=timezone.localdate(now) + timedelta(days=30))
    for minutes, direction in ((50, "out"), (40, "in"), (30, "out")):
        scan_record(actor=guard, req=ScanRequest(gate="east", direction=direction, code=card.number,
                                                 id_number=tenant.id_number, temperature=Decimal("36.6"),
                                                 scanned_at=now - timedelta(minutes=minutes)))
    neighbour = make_person(places["neighbour"].grids.get(number=1), name="邻社区居民")
    other = pass_issue(actor=personas["admin"], person=neighbour, kind="resident",
                       valid_from=timezone.localdate(now), valid_until=timezone.localdate(now) + timedelta(days=30))
    scan_record(actor=personas["admin"], req=ScanRequest(gate="c2gate", direction="out", code=other.number,
                                                         temperature=Decimal("36.5")))
    return tenant, card


def _range(ctx):
    scans = Scan.objects.filter(gate__code="east").order_by("at")
    return ctx(date_from=timezone.localdate(scans.first().at), date_to=timezone.localdate(scans.last().at))


def test_gate_log_rows(personas, places, make_person, gates, ctx):
    tenant, card = _scans(personas, places, make_person, gates)
    spec, context = SPECS["gate_log"], _range(ctx)
    rows = list(spec.rows(context))
    scans = list(Scan.objects.filter(gate=gates["east"]).order_by("at", "id"))
    assert len(rows) == spec.count(context) == len(scans) == 3
    assert [r["at"] for r in rows] == [timezone.localtime(s.scanned_at or s.at).replace(tzinfo=None) for s in scans]
    assert [r["direction"] for r in rows] == ["出", "进", "出"]
    assert [r["decision"] for r in rows] == ["放行" if s.decision == "allow" else "拒绝" for s in scans]
    assert rows[2]["decision"] == "拒绝" and rows[2]["reasons"] == _zh("exit_quota_reached")  # one exit a day
    assert {r["person"] for r in rows} == {mask_name(tenant.name)} != {tenant.name}
    assert {r["pass_number"] for r in rows} == {card.number}
    assert {r["gate"] for r in rows} == {"辽阳东路门岗"} and rows[0]["temperature"] == Decimal("36.6")


def test_gate_log_reads_with_the_same_queries_whatever_the_rows(personas, places, make_person, gates, ctx):
    tenant, card = _scans(personas, places, make_person, gates)
    spec = SPECS["gate_log"]
    with CaptureQueriesContext(connection) as few:
        assert len(list(spec.rows(_range(ctx)))) == 3
    for minutes in (20, 15, 10, 5):
        scan_record(actor=personas["guard"], req=ScanRequest(gate="east", direction="in", code=card.number,
                                                             id_number=tenant.id_number,
                                                             temperature=Decimal("36.6"),
                                                             scanned_at=timezone.now() - timedelta(minutes=minutes)))
    with CaptureQueriesContext(connection) as more:
        assert len(list(spec.rows(_range(ctx)))) == 7
    assert len(more.captured_queries) == len(few.captured_queries)


def test_gate_log_file_read_back(personas, places, make_person, gates, ctx, tmp_path):
    tenant, _card = _scans(personas, places, make_person, gates)
    spec = SPECS["gate_log"]
    sheet, count = write_and_read(spec, _range(ctx), tmp_path)
    assert count == 3 and sheet["A1"].value == "门岗出入记录" and title_merged(sheet, spec)
    assert header_texts(sheet, spec) == [c.header for c in spec.columns]
    rows = data_rows(sheet, spec, count)
    assert [r[0] for r in rows] == [1, 2, 3] and tenant.name not in all_text(sheet)
