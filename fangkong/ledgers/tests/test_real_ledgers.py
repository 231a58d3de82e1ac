"""Each of the six ledgers (ledgers/sources) goes through the whole export: queued, written, encrypted
when it holds full identifiers, audited, and opened again."""

from __future__ import annotations

import io

import msoffcrypto
import openpyxl
import pytest

from fangkong.accounts.models import AuditEntry
from fangkong.core.dates import local_today
from fangkong.ledgers.models import Export
from fangkong.ledgers.services import export_request
from fangkong.ledgers.sources import SPECS
from fangkong.ledgers.spec import Level


@pytest.mark.parametrize("ledger", sorted(SPECS))
def test_each_ledger_exports(ledger, personas, places, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    spec = SPECS[ledger]
    today = local_today()
    place = {"community": places["home"]} if spec.level == Level.COMMUNITY else {"street": places["home"].street}
    export, password = export_request(actor=personas["admin"], ledger=ledger, date_from=today, date_to=today,
                                      **place)
    assert export.status == Export.Status.DONE, export.error
    assert export.encrypted == (password is not None)
    with open(export.stored_path, "rb") as handle:
        if password:
            office = msoffcrypto.OfficeFile(handle)
            office.load_key(password=password)
            plain = io.BytesIO()
            office.decrypt(plain)
            book = openpyxl.load_workbook(plain)
        else:
            book = openpyxl.load_workbook(handle)
    sheet = book.active
    assert sheet["A1"].value and sheet["A3"].value == "序号"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=ledger).count() == 1
