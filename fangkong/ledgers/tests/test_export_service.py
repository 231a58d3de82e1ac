"""Exports through the service: who may export what, masked or encrypted, audited, expiring."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.dates import local_today
from fangkong.core.errors import FieldError, NotFound, PermissionDenied
from fangkong.ledgers import selectors, sources
from fangkong.ledgers.jobs import exports_expire
from fangkong.ledgers.models import Export
from fangkong.ledgers.services import PASSWORD_ALPHABET, export_request
from fangkong.ledgers.tests.conftest import PEOPLE


@pytest.fixture
def people(make_person, places):
    made = [make_person(places["grid1"], name=f"居民{i}", phone=f"1380000{i:04d}") for i in range(3)]
    make_person(places["neighbour"].grids.first(), name="邻居")
    return made


def _decrypt(path: str, password: str) -> openpyxl.Workbook:
    with open(path, "rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        office.load_key(password=password)
        plain = io.BytesIO()
        office.decrypt(plain)
    return openpyxl.load_workbook(plain)


def _texts(workbook: openpyxl.Workbook) -> str:
    return "\n".join(str(v) for ws in workbook for row in ws.iter_rows(values_only=True) for v in row if v)


def test_leader_export_is_encrypted_with_the_password_shown_once(specs, data_dir, personas, people, places):
    today = local_today()
    export, password = export_request(actor=personas["leader"], ledger="returnees", community=places["home"],
                                      date_from=today, date_to=today)
    assert export.status == Export.Status.DONE and export.encrypted and not export.masked
    assert password and len(password) == 12 and set(password) <= set(PASSWORD_ALPHABET)
    assert export.password_encrypted == ""  # forgotten once the file is written
    assert export.rows == 3 and export.progress == 100
    with pytest.raises(Exception):  # noqa: B017 -- without the password the file does not open
        openpyxl.load_workbook(export.stored_path)
    text = _texts(_decrypt(export.stored_path, password))
    assert people[0].id_number in text and people[0].phone in text
    assert "邻居" not in text  # another community's people are not in this community's ledger


def test_masked_export_never_contains_a_full_id_number(specs, data_dir, personas, people, places):
    today = local_today()
    export, password = export_request(actor=personas["leader"], ledger="returnees", community=places["home"],
                                      date_from=today, date_to=today, masked=True)
    assert password is None and export.masked and not export.encrypted
    text = _texts(openpyxl.load_workbook(export.stored_path))
    for person in people:
        assert person.id_number not in text and person.phone not in text
        assert person.id_number_masked in text


def test_street_office_gets_masked_files_whatever_it_asks(specs, data_dir, personas, people, places):
    today = local_today()
    export, password = export_request(actor=personas["street"], ledger="returnees", community=places["home"],
                                      date_from=today, date_to=today, masked=False)
    assert password is None and export.masked
    assert people[0].id_number not in _texts(openpyxl.load_workbook(export.stored_path))


def test_every_export_is_audited_with_its_row_count(specs, data_dir, personas, people, places):
    today = local_today()
    export, _password = export_request(actor=personas["office"], ledger="returnees", community=places["home"],
                                       date_from=today - timedelta(days=2), date_to=today, masked=True)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_type="ledger")
    assert entry.actor == personas["office"] and entry.object_id == "returnees"
    assert entry.community == places["home"] and entry.count == 3
    assert "masked" in entry.fields and f"export:{export.pk}" in entry.fields


def test_community_ledger_needs_the_whole_community(specs, data_dir, personas, places):
    today = local_today()
    with pytest.raises(NotFound):
        export_request(actor=personas["outsider"], ledger="returnees", community=places["home"],
                       date_from=today, date_to=today)
    with pytest.raises(PermissionDenied):  # a grid worker exports no ledger
        export_request(actor=personas["grid1"], ledger="returnees", community=places["home"],
                       date_from=today, date_to=today)
    assert not Export.objects.exists()


@pytest.mark.parametrize(("back_from", "back_to", "code"), [(0, 1, "before_start"), (40, 0, "range_too_long"),
                                                             (-1, -1, "in_future")])
def test_date_range_is_checked(specs, data_dir, personas, places, back_from, back_to, code):
    today = local_today()
    with pytest.raises(FieldError) as refused:
        export_request(actor=personas["leader"], ledger="returnees", community=places["home"],
                       date_from=today - timedelta(days=back_from), date_to=today - timedelta(days=back_to))
    assert refused.value.code == code
    assert not Export.objects.exists()


def test_street_rollup_lists_the_streets_communities_only(specs, data_dir, personas, people, places):
    today = local_today()
    export, password = export_request(actor=personas["street"], ledger="daily_report", date_from=today,
                                      date_to=today)
    assert password is None and export.street == places["home"].street and export.community is None
    sheet = openpyxl.load_workbook(export.stored_path).active
    names = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]
    assert names == ["一号社区", "二号社区"]
    assert sheet["A2"].value.startswith(f"街道: {places['home'].street.name}")


def test_street_cannot_export_another_streets_rollup(specs, data_dir, personas, places):
    today = local_today()
    with pytest.raises(NotFound):
        export_request(actor=personas["street"], ledger="daily_report", street=places["far"].street,
                       date_from=today, date_to=today)
    assert not Export.objects.exists()


def test_file_is_for_the_exporter_and_the_leaders(specs, data_dir, personas, people, places):
    today = local_today()
    export, _password = export_request(actor=personas["office"], ledger="returnees", community=places["home"],
                                       date_from=today, date_to=today)
    assert selectors.export_get(actor=personas["office"], pk=export.pk) == export
    assert selectors.export_get(actor=personas["leader"], pk=export.pk) == export
    assert selectors.export_get(actor=personas["admin"], pk=export.pk) == export
    with pytest.raises(PermissionDenied):
        selectors.export_get(actor=personas["street"], pk=export.pk)
    with pytest.raises(NotFound):
        selectors.export_get(actor=personas["outsider"], pk=export.pk)
    assert export in selectors.export_list(actor=personas["leader"])
    assert export not in selectors.export_list(actor=personas["street"])


def test_expiry_deletes_the_file(specs, data_dir, personas, people, places):
    today = local_today()
    export, _password = export_request(actor=personas["leader"], ledger="returnees", community=places["home"],
                                       date_from=today, date_to=today, masked=True)
    path = Path(export.stored_path)
    assert path.exists() and export.expires_at > timezone.now() + timedelta(hours=23)
    assert exports_expire() == 0 and path.exists()
    assert exports_expire(now=export.expires_at + timedelta(seconds=1)) == 1
    export.refresh_from_db()
    assert export.status == Export.Status.EXPIRED and export.stored_path == "" and not path.exists()


def test_a_failed_export_leaves_no_file_and_forgets_the_password(specs, data_dir, personas, places, monkeypatch):
    def broken(ctx):
        yield {"name": "x"}
        raise RuntimeError("source broke")

    monkeypatch.setitem(sources.SPECS, "returnees", dataclasses.replace(PEOPLE, rows=broken))
    today = local_today()
    export, _password = export_request(actor=personas["leader"], ledger="returnees", community=places["home"],
                                       date_from=today, date_to=today)
    assert export.status == Export.Status.FAILED and export.password_encrypted == "" and export.stored_path == ""
    assert list((data_dir / "exports").iterdir()) == []
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_an_export_whose_worker_was_lost_is_marked_failed(specs, data_dir, personas, places):
    from fangkong.ledgers.jobs import STALE_AFTER

    today = local_today()
    export = Export.objects.create(ledger="returnees", community=places["home"], date_from=today, date_to=today,
                                   requested_by=personas["leader"], status=Export.Status.RUNNING,
                                   started_at=timezone.now() - STALE_AFTER - timedelta(minutes=1),
                                   password_encrypted="sealed")
    recent = Export.objects.create(ledger="returnees", community=places["home"], date_from=today, date_to=today,
                                   requested_by=personas["leader"], status=Export.Status.RUNNING,
                                   started_at=timezone.now())
    exports_expire()
    export.refresh_from_db()
    recent.refresh_from_db()
    assert export.status == Export.Status.FAILED and export.password_encrypted == ""
    assert recent.status == Export.Status.RUNNING
