"""The audit log names a screening round by its name and a visit by its door and time, with links."""

from __future__ import annotations

from django.urls import reverse

from fangkong.accounts.audit_names import names_of


def test_rounds_and_visits_are_named_with_links(three_doors, login):
    rnd = three_doors["round"]
    names = names_of([("screening_round", str(rnd.pk)), ("screening_round", "999999")])
    assert names[("screening_round", str(rnd.pk))].text == "第一轮排查"
    assert names[("screening_round", str(rnd.pk))].url == reverse("screening:round_detail", args=[rnd.pk])
    assert ("screening_round", "999999") not in names
    html = login("leader").get(reverse("accounts:audit_log")).content.decode()
    assert "第一轮排查" in html and f'href="{reverse("screening:round_detail", args=[rnd.pk])}"' in html
