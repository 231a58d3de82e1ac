"""The import from the outside: the upload page and its job page, the template download, and the
`fangkong import people` command."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from fangkong.core.identifiers import mask_id_number, mask_phone
from fangkong.registry.models import ImportJob, Person
from fangkong.registry.tests.fixtures.files import (
    CHILD,
    FIXTURES,
    HEADERS,
    good_rows,
    in_both,
    write_csv,
    write_xlsx,
)

BAD_ROW = 4  # the third data row: header is row 1

# ---- the web flow -----------------------------------------------------------------------------------

def upload(c: Client, community: str, name: str, content: bytes):
    return c.post(reverse("registry:import_start"),
                  {"community": community, "file": SimpleUploadedFile(name, content)})


def test_uploading_a_good_file_imports_it_and_the_job_page_says_done(places, personas, tmp_path, settings, login):
    settings.MEDIA_ROOT = tmp_path / "media"
    content = write_xlsx(tmp_path / "people.xlsx", good_rows()).read_bytes()
    c = login("office", "zh-hans")
    r = upload(c, "C1", "人口.xlsx", content)
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("registry:import_job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE and job.created_by == personas["office"]
    assert job.summary == {"rows": 5, "households": 3, "people": 5, "tenancies": 1}
    assert not Path(job.stored_path).exists()  # the upload holds personal data: gone with the job
    page = c.get(r["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="status-done"' in html and "人口.xlsx" in html
    assert Person.objects.filter(community=places["home"]).count() == 5


def test_uploading_a_bad_file_shows_the_row_report_in_the_users_language(places, personas, tmp_path, settings, login):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = good_rows()
    bad_id = CHILD[:-1] + ("0" if CHILD[-1] != "0" else "1")
    rows[2]["id_number"] = bad_id
    content = write_csv(tmp_path / "bad.csv", rows).read_bytes()
    r = upload(login("office", "zh-hans"), "C1", "bad.csv", content)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED and Person.objects.count() == 0
    zh, en = in_both(_("The check digit of the ID number is wrong"))
    assert job.errors == [{"row": BAD_ROW, "column": "证件号码", "value": mask_id_number(bad_id),
                           "code": "id_checksum", "reason": zh, "reason_en": en}]
    for language, reason in (("zh-hans", zh), ("en", en)):
        html = login("office", language).get(r["Location"]).content.decode()
        assert 'class="status-rejected"' in html and 'data-code="id_checksum"' in html
        assert f"<td>{BAD_ROW}</td><td>证件号码</td>" in html
        assert mask_id_number(bad_id) in html and bad_id not in html
        assert reason in html
    if zh != en:  # once the Chinese catalogue has the message, each language sees only its own
        assert zh not in login("office", "en").get(r["Location"]).content.decode()


def test_a_file_missing_columns_is_rejected_with_the_columns_listed(places, personas, tmp_path, settings, login):
    settings.MEDIA_ROOT = tmp_path / "media"
    content = write_csv(tmp_path / "cols.csv", good_rows(), headers=[h for h in HEADERS if h != "姓名"]).read_bytes()
    r = upload(login("office", "zh-hans"), "C1", "cols.csv", content)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [(1, "姓名", "missing_columns")]
    html = login("office", "en").get(r["Location"]).content.decode()
    assert "<td>1</td><td>姓名</td>" in html
    assert in_both(_("This required column is missing from the header row"))[1] in html


@pytest.mark.parametrize("name", ["people.pdf", "people.numbers", "people.xlsx.txt", "people"])
def test_the_form_refuses_other_file_types(name, places, personas, tmp_path, settings, login):
    settings.MEDIA_ROOT = tmp_path / "media"
    r = upload(login("office", "en"), "C1", name, (FIXTURES / "people.xlsx").read_bytes())
    assert r.status_code == 200 and not ImportJob.objects.exists()
    assert r.context["form"].errors.as_data()["file"][0].code == "unsupported_type"
    assert "Upload an .xlsx, .xls, .ods or .csv file" in r.content.decode()
    assert not (tmp_path / "media" / "imports").exists() or not any((tmp_path / "media" / "imports").iterdir())


@pytest.mark.parametrize("name", ["people.xls", "people.ods", "people.xlsx"])
def test_the_form_takes_every_spreadsheet_format(name, places, personas, tmp_path, settings, login):
    settings.MEDIA_ROOT = tmp_path / "media"
    r = upload(login("office", "zh-hans"), "C1", f"人口{Path(name).suffix.upper()}", (FIXTURES / name).read_bytes())
    job = ImportJob.objects.get()
    assert r.status_code == 302 and job.status == ImportJob.Status.DONE, job.errors
    assert Person.objects.filter(community=places["home"]).count() == 5


def test_an_encrypted_upload_is_rejected_with_the_reason_in_the_users_language(places, personas, tmp_path,
                                                                              settings, login):
    settings.MEDIA_ROOT = tmp_path / "media"
    r = upload(login("office", "zh-hans"), "C1", "人口.xlsx", (FIXTURES / "encrypted.xlsx").read_bytes())
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED and Person.objects.count() == 0
    assert [(e["row"], e["code"]) for e in job.errors] == [(None, "encrypted_file")]
    assert not Path(job.stored_path).exists()
    html = login("office", "en").get(r["Location"]).content.decode()
    assert job.errors[0]["reason_en"] in html


def test_a_grid_worker_may_not_import(places, personas, tmp_path, settings, login):
    settings.MEDIA_ROOT = tmp_path / "media"
    c = login("grid1", "zh-hans")
    assert c.get(reverse("registry:import_start")).status_code == 403
    assert c.get(reverse("registry:import_template")).status_code == 403
    content = write_csv(tmp_path / "ok.csv", good_rows()).read_bytes()
    assert upload(c, "C1", "ok.csv", content).status_code == 403
    assert not ImportJob.objects.exists() and Person.objects.count() == 0


def test_the_template_download(places, personas, login):
    r = login("office", "zh-hans").get(reverse("registry:import_template"))
    assert r.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(r.content)).worksheets[0][1]] == HEADERS


# ---- the command ------------------------------------------------------------------------------------

def test_the_import_command_prints_the_report_in_both_languages(tmp_path):
    """As a user runs it, in its own data dir (SQLite), outside the test database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FANGKONG_DATA_DIR")}
    env["FANGKONG_TASKS"] = "immediate"

    def fk(*args):
        return subprocess.run([sys.executable, "-m", "fangkong", "--data-dir", str(tmp_path / "data"), *args],
                              capture_output=True, text=True, env=env, timeout=300)

    assert fk("seed", "--communities", "1", "--people", "10").returncode == 0
    rows = good_rows()
    rows[0]["phone"] = "1381234567"
    r = fk("import", "people", str(write_csv(tmp_path / "bad.csv", rows)), "--community", "SEED0001")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[0] == "row\tcolumn\tvalue\tcode\treason\treason_en"
    row, column, value, code, _zh, en = lines[1].split("\t")
    assert (row, column, value, code) == ("2", "联系电话", mask_phone("1381234567"), "phone_format")
    assert en == "A phone number is 11 digits starting with 13-19, or a landline with area code"
    assert "1381234567" not in r.stdout
    r = fk("import", "people", str(write_csv(tmp_path / "ok.csv", good_rows())), "--community", "SEED0001")
    assert r.returncode == 0 and "Imported 5 people, 3 new households, 1 tenancies." in r.stdout
