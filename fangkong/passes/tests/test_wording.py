"""Words on the pass pages and cards: one card is "card 1" (第1张), not a range of one; each kind of
pass has one name on screen and on the card; whoever issued a pass is named, not their username."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
from django.urls import reverse

from fangkong.passes.models import Pass
from fangkong.passes.printing import card_title, cards_range, pass_cards_pdf
from fangkong.passes.services import pass_issue, pass_issue_bulk
from fangkong.passes.tasks import bulk_issue_start

FROM, UNTIL = date(2020, 1, 28), date(2020, 2, 28)


def test_one_card_is_not_a_range_of_one(places, personas, make_person, login):
    person = make_person(places["grid1"], name="独一人", category="floating")
    job_id = bulk_issue_start(actor=personas["office"], community=places["home"], kind="temporary", by="picked",
                              people=[person.pk], valid_from=FROM, valid_until=UNTIL)
    url = reverse("passes:issue_job", kwargs={"job_id": job_id})
    zh = login("office", language="zh-hans").get(url).content.decode()
    en = login("office").get(url).content.decode()
    assert "1–1" not in zh and "1–1" not in en
    assert ">card 1</a>" in en and "1 pass issued." in en
    assert cards_range(1, 1) == "第1张" and cards_range(1, 8) == "第1–8张"
    card = Pass.objects.select_related("person", "household", "community").get()
    text = pdfium.PdfDocument(pass_cards_pdf([card]))[0].get_textpage().get_text_range()
    assert "第1张，共1张" in text and "1–1" not in text


def test_each_kind_has_one_name_on_screen_and_on_the_card(places, personas, make_person, login):
    kinds = ["resident", "temporary", "service"]
    for i, kind in enumerate(kinds):
        pass_issue(actor=personas["office"], person=make_person(places["grid1"], name=f"持证{i}"), kind=kind,
                   valid_from=FROM, valid_until=UNTIL)
    html = login("office", language="zh-hans").get(reverse("passes:pass_list")).content.decode()
    cards = Pass.objects.select_related("person", "household", "community").order_by("kind")
    text = pdfium.PdfDocument(pass_cards_pdf(list(cards)))[0].get_textpage().get_text_range()
    for kind in kinds:
        name = card_title(kind)
        assert f"<td>{name}</td>" in html, name  # the list's kind column
        assert name in text
    # The card is in Chinese whatever the page's language.
    en = login("office").get(reverse("passes:pass_list")).content.decode()
    assert "resident pass" in en and card_title("resident") not in en


def test_who_issued_a_pass_is_named(places, personas, make_person, login):
    office = personas["office"]
    office.display_name = "王秘书"
    office.save(update_fields=["display_name"])
    people = [make_person(places["grid1"], name=f"流动{i}", category="floating") for i in range(2)]
    pass_issue_bulk(actor=office, community=places["home"], kind="temporary", valid_from=FROM, valid_until=UNTIL,
                    people=people)
    html = login("leader").get(reverse("passes:pass_list")).content.decode()
    assert html.count("王秘书") == 2 and ">office<" not in html
