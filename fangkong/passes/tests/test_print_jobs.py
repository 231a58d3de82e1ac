"""Many cards are printed by a background job: its page shows a progress bar that goes from 0 to 100,
then a link to the PDF, which reads back with one page per 8 cards; each download is audited."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from fangkong.accounts.models import AuditEntry
from fangkong.passes import tasks
from fangkong.passes.models import Pass
from fangkong.passes.services import pass_issue_bulk
from fangkong.registry.models import Person

FROM, UNTIL = date(2020, 1, 28), date(2020, 2, 28)


@pytest.fixture
def many(places, personas):
    """60 temporary passes in the home community: more than the pages write while the browser waits."""
    home = places["home"]
    Person.objects.bulk_create([Person(community=home, grid=places["grid1"], name=f"流动{i:03d}", category="floating",
                                       retain_until=date(2030, 1, 1)) for i in range(60)])
    return pass_issue_bulk(actor=personas["office"], community=home, kind="temporary", valid_from=FROM,
                           valid_until=UNTIL, people=Person.objects.filter(community=home))


def job_id_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:1500]
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def test_the_list_starts_a_print_job_for_many_cards(many, login):
    html = login("office").get(reverse("passes:pass_list")).content.decode()
    assert f'action="{reverse("passes:print_start")}?part=1"' in html and "print.pdf?part=1" not in html
    assert "<progress" not in html


def test_progress_goes_from_0_to_100_and_the_pdf_reads_back(monkeypatch, many, login):
    seen: list[tuple[str, int, int]] = []
    update = tasks._print_update

    def record(job_id, **changes):
        job = update(job_id, **changes)
        seen.append((job["status"], job["done"], job["total"]))
        return job

    monkeypatch.setattr(tasks, "_print_update", record)
    c = login("office")
    job_id = job_id_of(c.post(reverse("passes:print_start") + "?kind=temporary&part=1"))
    assert seen[0] == ("queued", 0, 60)
    done = [d for _s, d, _t in seen]
    assert done == sorted(done) and done[-1] == 60 and len(set(done)) >= 8  # told after each of the 8 sheets
    assert seen[-1][0] == "done"

    page = c.get(reverse("passes:print_job", kwargs={"job_id": job_id})).content.decode()
    assert 'data-status="done"' in page and "hx-get" not in page  # finished: it stops polling
    response = c.get(reverse("passes:print_job_file", kwargs={"job_id": job_id}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "no-store"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF") and len(pdfium.PdfDocument(pdf)) == 8  # 60 cards, 8 a sheet
    text = pdfium.PdfDocument(pdf)[7].get_textpage().get_text_range()
    assert "第57–60张，共60张" in text
    entry = AuditEntry.objects.get(action="export", object_type="pass")
    assert entry.count == 60 and entry.actor.username == "office"


def test_the_status_fragment_shows_a_progress_bar_while_running(many, login):
    c = login("office")
    job_id = job_id_of(c.post(reverse("passes:print_start") + "?kind=temporary"))
    tasks._print_update(job_id, status="running", done=24, total=60)
    partial = c.get(reverse("passes:print_job", kwargs={"job_id": job_id}), HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" not in partial and 'hx-trigger="every 1s"' in partial
    assert '<progress max="100" value="40">' in partial and "24 of 60 cards" in partial
    assert reverse("passes:print_job_file", kwargs={"job_id": job_id}) not in partial
    # Not ready: the file is refused, and nothing is audited.
    assert c.get(reverse("passes:print_job_file", kwargs={"job_id": job_id})).status_code == 400
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_bulk_issue_offers_its_cards_through_a_print_job(places, personas, login):
    home = places["home"]
    Person.objects.bulk_create([Person(community=home, grid=places["grid2"], name=f"租户{i:02d}", category="tenant",
                                       retain_until=date(2030, 1, 1)) for i in range(50)])
    c = login("office")
    response = c.post(reverse("passes:issue"), {"by": "grid", "grid": places["grid2"].pk, "kind": "temporary",
                                                "valid_from": "2020-02-01", "valid_until": "2020-02-14"})
    issue_job = job_id_of(response)
    html = c.get(response["Location"]).content.decode()
    assert f'action="{reverse("passes:print_start")}?job={issue_job}&amp;part=1"' in html
    job_id = job_id_of(c.post(reverse("passes:print_start") + f"?job={issue_job}&part=1"))
    assert set(tasks.print_job_get(job_id)["numbers"]) == set(tasks.bulk_job_get(issue_job)["numbers"])


def test_another_community_cannot_see_or_download_the_job(many, login):
    job_id = job_id_of(login("office").post(reverse("passes:print_start") + "?kind=temporary"))
    outsider = login("outsider")
    assert outsider.get(reverse("passes:print_job", kwargs={"job_id": job_id})).status_code == 404
    assert outsider.get(reverse("passes:print_job_file", kwargs={"job_id": job_id})).status_code == 404
    assert login("guard").get(reverse("passes:print_job_file", kwargs={"job_id": job_id})).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_pass_revoked_before_the_job_runs_stops_it(monkeypatch, many, personas, login):
    from fangkong.passes.services import pass_revoke

    queued, run_print = [], tasks.run_print
    monkeypatch.setattr(tasks, "run_print", SimpleNamespace(enqueue=lambda *args: queued.append(args)))
    job_id = job_id_of(login("office").post(reverse("passes:print_start") + "?kind=temporary"))
    pass_revoke(actor=personas["office"], number=many[0].number, reason="收回")
    assert tasks.print_job_get(job_id)["status"] == "queued"
    assert run_print.call(*queued[0]) == "failed"
    assert tasks.print_job_get(job_id)["status"] == "failed"
    assert Pass.objects.filter(status="revoked").count() == 1
