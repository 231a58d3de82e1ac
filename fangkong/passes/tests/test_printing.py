"""Printed pass cards scan back to their passes; bulk issue runs as a job; printing is audited and
kept to the roles that may print."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.urls import reverse

from fangkong.accounts.models import AuditEntry
from fangkong.passes import keys, selectors, signing, tasks
from fangkong.passes.models import Pass
from fangkong.passes.printing import card_title, pass_cards_pdf
from fangkong.passes.services import pass_issue, pass_issue_bulk, pass_revoke
from fangkong.passes.signing import pass_qr
from fangkong.registry.models import Person

FROM, UNTIL = date(2020, 1, 28), date(2020, 2, 28)


def issue(personas, person, kind="temporary") -> Pass:
    return pass_issue(actor=personas["office"], person=person, kind=kind, valid_from=FROM, valid_until=UNTIL)


def scan_pdf(pdf: bytes, dpi: int = 200) -> list[str]:
    """Every QR code on every page, as a phone at the gate would read the printed sheet."""
    texts = []
    doc = pdfium.PdfDocument(pdf)
    for page in doc:
        image = page.render(scale=dpi / 72).to_pil()
        texts += [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return texts


def page_texts(pdf: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)]


@pytest.fixture
def printed(places, personas, make_person):
    """Nine passes (two sheets): temporary ones, a blue service pass and a resident pass."""
    passes = [issue(personas, make_person(places["grid1"], name=f"外来务工{i}", category="floating"))
              for i in range(7)]
    passes.append(issue(personas, make_person(places["grid2"], name="送水员", category="floating"), "service"))
    passes.append(issue(personas, make_person(places["grid2"], name="欧阳长名字居民", category="registered"),
                        "resident"))
    return list(Pass.objects.filter(pk__in=[p.pk for p in passes])
                .select_related("person", "household", "community").order_by("number"))


def test_every_printed_qr_code_scans_back_to_its_pass(printed):
    pdf = pass_cards_pdf(printed)
    assert pdf.startswith(b"%PDF") and len(pdfium.PdfDocument(pdf)) == 2
    texts = scan_pdf(pdf)
    assert sorted(texts) == sorted(pass_qr(p) for p in printed)
    claims = {signing.decode(t, keys.public_keys()).pass_id: signing.decode(t, keys.public_keys()) for t in texts}
    assert set(claims) == {p.pk for p in printed}
    for p in printed:
        claim = claims[p.pk]
        assert (claim.version, claim.valid_from, claim.valid_until, claim.community_id) == (
            p.version, p.valid_from, p.valid_until, p.community_id)


def test_the_card_shows_the_number_holder_and_validity(printed):
    text = "\n".join(page_texts(pass_cards_pdf(printed)))
    for p in printed:
        assert p.number in text and p.person.id_number_masked in text
    # Each card is titled with its kind's name as the pages say it in Chinese (tests/test_wording.py).
    assert all(card_title(kind) in text for kind in ("service", "temporary", "resident"))
    assert "2020-01-28 至 2020-02-28" in text and "盖章" in text and "外来务工0" in text


def test_bulk_issue_skips_holders_of_that_kind_and_issues_the_rest(places, personas, make_person):
    grid = places["grid1"]
    holder, revoked, fresh, other_kind = (make_person(grid, name=n, category="floating") for n in "甲乙丙丁")
    resident = make_person(grid, name="戊", category="registered")
    issue(personas, holder)
    pass_revoke(actor=personas["office"], number=issue(personas, revoked).number, reason="收回")
    issue(personas, other_kind, "service")
    people = list(selectors.bulk_candidates(actor=personas["office"], community=places["home"], group="floating"))
    assert resident not in people and len(people) == 4
    made = pass_issue_bulk(actor=personas["office"], community=places["home"], kind="temporary", valid_from=FROM,
                           valid_until=UNTIL, people=people)
    assert {p.person for p in made} == {revoked, fresh, other_kind}
    assert Pass.objects.filter(kind="temporary", status="active").count() == 4


def test_bulk_page_runs_the_job_and_offers_its_cards_for_printing(places, personas, make_person, login):
    for i in range(3):
        make_person(places["grid1"], name=f"租客{i}", category="floating")
    already = make_person(places["grid2"], name="已有证", category="floating")
    issue(personas, already)
    make_person(places["grid2"], name="本地居民", category="registered")
    c = login("office")
    assert c.get(reverse("passes:issue")).status_code == 200
    response = c.post(reverse("passes:issue"), {"community": "C1", "group": "floating", "kind": "temporary",
                                                "valid_from": "2020-02-01", "valid_until": "2020-02-14"})
    assert response.status_code == 302
    page = c.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and 'data-status="done"' in html
    job_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    job = tasks.bulk_job_get(job_id)
    assert (job["issued"], job["skipped"], job["status"]) == (3, 1, "done")
    partial = c.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" not in partial and "hx-get" not in partial  # finished: the page stops polling
    pdf = c.get(reverse("passes:print_pdf") + f"?job={job_id}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert sorted(scan_pdf(pdf.content)) == sorted(pass_qr(p) for p in Pass.objects.filter(number__in=job["numbers"]))
    assert AuditEntry.objects.filter(action="create", object_type="pass", count=3).exists()


def test_bulk_form_refuses_a_validity_that_ends_before_it_starts(places, personas, login):
    c = login("office")
    response = c.post(reverse("passes:issue"), {"community": "C1", "group": "floating", "kind": "temporary",
                                                "valid_from": "2020-02-14", "valid_until": "2020-02-01"})
    assert response.status_code == 200 and Pass.objects.count() == 0


def test_printing_is_audited_as_an_export(places, personas, printed, login):
    c = login("office")
    response = c.get(reverse("passes:print_pdf"), {"kind": "temporary"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="export", object_type="pass")
    assert (entry.actor, entry.community_id, entry.count) == (personas["office"], places["home"].id, 7)
    assert entry.fields == ["id_number", "name", "qr"]


def test_one_card_by_number_and_never_a_revoked_one(personas, printed, login):
    c = login("office")
    one = c.get(reverse("passes:print_pdf"), {"number": printed[0].number})
    assert scan_pdf(one.content) == [pass_qr(printed[0])]
    pass_revoke(actor=personas["office"], number=printed[1].number, reason="当场销毁")
    assert c.get(reverse("passes:print_pdf"), {"number": printed[1].number}).status_code == 400
    assert c.get(reverse("passes:print_pdf"), {"number": "12ab"}).status_code == 400
    # A filter that does not parse is refused, not dropped (which would print every pass).
    assert c.get(reverse("passes:print_pdf"), {"q": "12ab"}).status_code == 400
    assert c.get(reverse("passes:print_pdf"), {"community": "999"}).status_code == 400


def test_grid_worker_may_neither_print_nor_issue(places, personas, printed, login):
    c = login("grid1")
    assert c.get(reverse("passes:print_pdf")).status_code == 403
    assert c.get(reverse("passes:issue")).status_code == 403
    assert c.post(reverse("passes:issue"), {"community": "C1", "group": "floating", "kind": "temporary",
                                            "valid_from": "2020-02-01", "valid_until": "2020-02-14"}).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_another_communitys_leader_prints_nothing_of_ours(personas, printed, login):
    c = login("outsider")
    assert c.get(reverse("passes:print_pdf"), {"number": printed[0].number}).status_code == 400
    assert not AuditEntry.objects.filter(action="export").exists()


def test_pass_list_masks_holders_and_filters(personas, printed, login):
    c = login("guard")
    temporary = next(p for p in printed if p.person.name == "外来务工0")
    service = next(p for p in printed if p.kind == "service")
    html = c.get(reverse("passes:pass_list")).content.decode()
    assert temporary.number in html and "外来务工0" not in html and "外***0" in html
    assert "print.pdf" not in html  # a guard may look passes up, not print them
    html = c.get(reverse("passes:pass_list"), {"kind": "service"}).content.decode()
    assert service.number in html and temporary.number not in html
    html = c.get(reverse("passes:pass_list"), {"q": service.number}, HTTP_HX_REQUEST="true").content.decode()
    assert service.number in html and temporary.number not in html and "<h1>" not in html
    office = login("office").get(reverse("passes:pass_list")).content.decode()
    assert "print.pdf?part=1" in office and f"print.pdf?number={temporary.number}" in office
    assert login("grid1").get(reverse("passes:pass_list")).status_code == 403


def test_bulk_issue_of_the_demos_490_floating_people_in_one_job(places, personas):
    home = places["home"]
    Person.objects.bulk_create([
        Person(community=home, grid=places["grid1"], name=f"流动{i:03d}", category="floating",
               retain_until=date(2030, 1, 1)) for i in range(490)
    ])
    job_id = tasks.bulk_issue_start(actor=personas["office"], community=home, kind="temporary", group="floating",
                                    valid_from=FROM, valid_until=UNTIL)
    job = tasks.bulk_job_get(job_id)
    assert (job["status"], job["issued"], job["done"], job["total"]) == ("done", 490, 490, 490)
    assert Pass.objects.filter(community=home, kind="temporary").count() == 490
    assert len(set(job["numbers"])) == 490


def test_long_runs_print_in_parts(monkeypatch, personas, printed, login):
    from fangkong.core.errors import FieldError
    from fangkong.passes import services

    monkeypatch.setattr(services, "MAX_CARDS_PER_PDF", 4)
    c = login("office")
    html = c.get(reverse("passes:pass_list")).content.decode()
    assert 'data-part="3"' in html and 'data-part="4"' not in html  # 9 cards: 4 + 4 + 1
    third = c.get(reverse("passes:print_pdf"), {"part": "3"})
    assert scan_pdf(third.content) == [pass_qr(printed[-1])]
    with pytest.raises(FieldError) as exc:
        services.pass_cards_export(actor=personas["office"], passes=printed[:5])
    assert exc.value.code == "too_many"
