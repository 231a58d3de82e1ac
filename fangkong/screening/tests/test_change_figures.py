"""The street office's daily changes: figures per community of its street, nobody named."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from fangkong.core.identifiers import mask_name
from fangkong.screening.services import travel_record_add


def figures(html: str) -> dict[str, list[str]]:
    import re

    table = html.split('id="change-figures"')[1].split("</table>")[0]
    return {code: re.findall(r"<td>(\d+)</td>", row) for code, row in
            re.findall(r'<tr data-community="([^"]+)">(.*?)</tr>', table, re.S)}


def test_the_street_office_gets_figures_per_community_and_no_names(login, personas, places, make_person,
                                                                   three_doors):
    today = timezone.localdate()
    make_person(places["grid1"], name="新来者")
    make_person(places["neighbour"].grids.get(), name="邻居")
    travel_record_add(actor=personas["office"], person=three_doors["b"], place="湖北省武汉市",
                      returned_on=today - timedelta(days=1))
    travel_record_add(actor=personas["office"], person=three_doors["a1"], place="山东省济南市",
                      returned_on=today - timedelta(days=1))
    r = login("street").get(reverse("screening:changes"))
    assert r.status_code == 200
    html = r.content.decode()
    # the three_doors people and the newcomer moved in today in C1, one neighbour in C2; C9 is another street
    assert figures(html) == {"C1": ["5", "0", "1"], "C2": ["1", "0", "0"]}
    for name in ("新来者", "王五", "邻居"):
        assert name not in html and mask_name(name) not in html
    assert "湖北省武汉市" not in html
    old = figures(login("street").get(reverse("screening:changes"), {"day": "2020-02-01"}).content.decode())
    assert old == {"C1": ["0", "0", "0"], "C2": ["0", "0", "0"]}


def test_a_bad_day_is_said_and_today_shown(login, places):
    r = login("street").get(reverse("screening:changes"), {"day": "not-a-day"})
    assert r.status_code == 200 and 'class="form-errors"' in r.content.decode()
    assert "C1" in figures(r.content.decode())


def test_those_who_visit_still_get_the_people(login, three_doors, places):
    html = login("office").get(reverse("screening:changes")).content.decode()
    assert 'id="arrivals"' in html and 'id="change-figures"' not in html
    assert login("guard").get(reverse("screening:changes")).status_code == 403
