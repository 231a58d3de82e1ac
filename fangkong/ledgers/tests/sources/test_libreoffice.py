"""Each of the six ledgers opens in LibreOffice: converted headless to CSV, its first row holds the title
and its header rows the header texts (`./run test` installs LibreOffice, like Chromium)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from fangkong.core.dates import local_today
from fangkong.gates.services import visitor_register
from fangkong.ledgers.layouts import layout_default
from fangkong.ledgers.sources import SPECS
from fangkong.ledgers.writer import write_ledger
from fangkong.observation.services import observation_start
from fangkong.screening.services import travel_record_add

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def _some_of_everything(personas, places, make_person):
    office, today = personas["office"], local_today()
    person = make_person(places["grid1"], name="返回者", phone="13800138021")
    travel_record_add(actor=office, person=person, place="湖北省武汉市", returned_on=today - timedelta(days=1))
    observation_start(actor=office, person=person, kind="home", start=today - timedelta(days=1))
    visitor_register(actor=personas["guard"], gate_code="east", name="访客", id_number="11010519491231002X",
                     phone="13700137009", reason="送货", temperature=Decimal("36.5"), household_text="1号楼101")


def test_every_ledger_converts_to_csv_with_its_title_and_headers(personas, places, make_person, gates, ctx,
                                                                 tmp_path):
    _some_of_everything(personas, places, make_person)
    files = {}
    for key, spec in SPECS.items():
        context = (ctx(communities=(places["home"], places["neighbour"]), street=places["home"].street,
                       date_from=local_today(), date_to=local_today()) if key == "daily_report" else ctx())
        files[key] = tmp_path / f"{key}.xlsx"
        write_ledger(spec, layout_default(spec), context, files[key], watermark="导出人: 测试")
    out = tmp_path / "csv"
    profile = f"file:///tmp/lo-{uuid.uuid4().hex}"
    try:
        # 44,34,76: comma-separated, double-quoted, UTF-8.
        subprocess.run([shutil.which("soffice"), "--headless", f"-env:UserInstallation={profile}", "--convert-to",
                        "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out), *map(str, files.values())],
                       check=True, capture_output=True, timeout=240)
    finally:
        shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    for key, spec in SPECS.items():
        with (out / f"{key}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0][0] == spec.title, key
        headers = set(rows[2]) | (set(rows[3]) if any(c.group for c in spec.columns) else set())
        missing = [c.header for c in spec.columns if c.header not in headers]
        assert not missing, (key, missing)
