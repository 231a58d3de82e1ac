"""The pages: the street uploads and follows a list, assigns what matched nowhere; the community checks its
rows on the rows page; masked identifiers only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.verification.models import VerificationList, VerificationRow
from fangkong.verification.tests.helpers import stranger_id, write_csv

pytestmark = pytest.mark.django_db


def test_the_street_uploads_a_list_on_the_index_page(login, places, make_person, tmp_path):
    a = make_person(places["grid1"], name="张三")
    path = write_csv(tmp_path / "l.csv",
                     [["张三", a.id_number, "", "", "", ""], ["某", stranger_id(1), "", "", "", ""]])
    c = login("street")
    assert c.get(reverse("verification:index")).status_code == 200
    with path.open("rb") as f:
        r = c.post(reverse("verification:index"), {"street": places["home"].street.code, "batch": "B-7", "file": f})
    vlist = VerificationList.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("verification:list_detail", args=[vlist.pk])
    page = c.get(r["Location"]).content.decode()
    assert "B-7" in page and 'data-community="C1"' in page and 'data-row="2"' in page  # unmatched, to assign
    assert a.id_number not in page


def test_row_problems_are_listed_on_the_page(login, places, tmp_path):
    path = write_csv(tmp_path / "l.csv", [["", stranger_id(1), "", "", "", ""]])
    with path.open("rb") as f:
        r = login("street").post(reverse("verification:index"),
                                 {"street": places["home"].street.code, "batch": "B", "file": f})
    assert r.status_code == 422
    assert 'data-code="required"' in r.content.decode() and 'data-row="2"' in r.content.decode()
    assert not VerificationList.objects.exists()


def test_the_community_records_outcomes_on_the_rows_page(login, pushed):
    c = login("grid1")
    page = c.get(reverse("verification:rows")).content.decode()
    assert 'data-row="1"' in page and 'data-row="4"' in page and 'data-row="3"' not in page
    assert pushed["people"][0].id_number not in page and "13800000001" not in page
    vid = pushed["list"].pk
    r = c.post(reverse("verification:row_outcome", args=[vid, 1]), {"outcome": "info_wrong", "note": "电话错"})
    assert r.status_code == 302
    assert VerificationRow.objects.get(vlist_id=vid, number=1).outcome == "info_wrong"
    # missed without registration: refused with the reason, nothing recorded
    r = c.post(reverse("verification:row_outcome", args=[vid, 4]), {"outcome": "missed"}, follow=True)
    assert "register" in r.content.decode().lower()
    assert VerificationRow.objects.get(vlist_id=vid, number=4).outcome == ""
    checked = c.get(reverse("verification:rows") + "?state=checked").content.decode()
    assert 'data-row="1"' in checked and 'data-row="4"' not in checked


def test_the_street_assigns_on_the_list_page(login, pushed, places):
    vid = pushed["list"].pk
    r = login("street").post(reverse("verification:row_assign", args=[vid, 5]), {"community": "C2"})
    assert r.status_code == 302
    assert VerificationRow.objects.get(vlist_id=vid, number=5).community == places["neighbour"]


def test_the_other_street_sees_nothing(login, pushed):
    vid = pushed["list"].pk
    assert login("outsider").get(reverse("verification:list_detail", args=[vid])).status_code == 404
    assert 'data-row' not in login("outsider").get(reverse("verification:rows")).content.decode()
    assert login("outsider").post(reverse("verification:row_outcome", args=[vid, 1]),
                                  {"outcome": "confirmed"}).status_code == 404


def test_the_pages_queries_do_not_grow_with_the_rows(login, places, personas, make_person, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fangkong.verification.tests.helpers import sample_list

    def queries(url: str) -> int:
        c = login("office")
        c.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    small = sample_list(actor=personas["street"], street=places["home"].street,
                        people=[make_person(places["grid1"]) for _ in range(2)])
    big = sample_list(actor=personas["street"], street=places["home"].street,
                      people=[make_person(places["grid2"]) for _ in range(12)], strangers=0)
    for name in ("verification:rows", "verification:list_detail"):
        urls = [reverse(name) + f"?list={v.pk}" if name == "verification:rows" else reverse(name, args=[v.pk])
                for v in (small, big)]
        assert queries(urls[0]) == queries(urls[1]), name
