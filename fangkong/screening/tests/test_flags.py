"""The key-area flag follows the policy: which areas, and for how long after the stay or contact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.policy.services import policy_set
from fangkong.registry.flags import person_flags
from fangkong.screening.flags import place_in_key_areas
from fangkong.screening.services import travel_record_add


@pytest.mark.parametrize(("place", "areas", "hit"), [
    ("湖北省武汉市", ["湖北省"], "湖北省"),
    ("湖北武汉", ["湖北省"], "湖北省"),
    ("武汉市", ["湖北省", "武汉市"], "武汉市"),
    ("浙江省温州市", ["湖北省", "温州市"], "温州市"),
    ("山东省济南市", ["湖北省"], None),
    ("", ["湖北省"], None),
    ("北京", ["北京市"], "北京市"),
])
def test_place_matching(place, areas, hit):
    assert place_in_key_areas(place, areas) == hit


def test_flag_lasts_the_policy_window(personas, places, make_person):
    today = timezone.localdate()
    person = make_person(places["grid1"])
    travel_record_add(actor=personas["office"], person=person, place="湖北省孝感市",
                      returned_on=today - timedelta(days=10))
    assert "key_area" in [f.code for f in person_flags([person.id], reader=personas["office"]).get(person.id, [])]
    policy_set(actor=personas["leader"], key="key_area_window_days", value=7, community=places["home"],
               effective_from=date(2020, 1, 1))
    from fangkong.policy.selectors import policy_cache_clear

    policy_cache_clear()
    assert person.id not in person_flags([person.id], reader=personas["office"])


def test_areas_are_policy_and_contacts_flag_anywhere(personas, places, make_person):
    today = timezone.localdate()
    a, b = make_person(places["grid1"]), make_person(places["grid1"])
    travel_record_add(actor=personas["office"], person=a, place="浙江省温州市", returned_on=today)
    travel_record_add(actor=personas["office"], person=b, place="山东省济南市", contact="suspected",
                      returned_on=today)
    flags = person_flags([a.id, b.id], reader=personas["office"])
    assert a.id not in flags and b.id in flags
    policy_set(actor=personas["leader"], key="key_areas", value="湖北省，温州市", community=places["home"],
               effective_from=today)
    from fangkong.policy.selectors import policy_cache_clear

    policy_cache_clear()
    assert a.id in person_flags([a.id], reader=personas["office"])


def test_the_api_flags_people_in_lists_and_detail(api_client, personas, places, make_person):
    flagged, plain = make_person(places["grid1"], name="甲"), make_person(places["grid1"], name="乙")
    travel_record_add(actor=personas["office"], person=flagged, place="湖北省", returned_on=timezone.localdate())
    client = api_client("office")
    items = {p["id"]: p["flags"] for p in client.get("/api/v1/people?limit=50").json()["items"]}
    assert items[flagged.id] == ["key_area"] and items[plain.id] == []
    assert client.get("/api/v1/people?limit=1&offset=1").json()["count"] == 2
    assert client.get(f"/api/v1/people/{flagged.id}").json()["flags"] == ["key_area"]


def test_flags_reach_only_readers_with_health_permission(login, api_client, personas, places, make_person):
    """The attack: the street office read key-area flags beside names, in pages and the API."""
    flagged = make_person(places["grid1"], name="甲")
    travel_record_add(actor=personas["office"], person=flagged, place="湖北省", returned_on=timezone.localdate())
    assert person_flags([flagged.id], reader=personas["street"]) == {}
    assert [f.code for f in person_flags([flagged.id], reader=personas["grid1"])[flagged.id]] == ["key_area"]
    street = api_client("street")
    assert [p["flags"] for p in street.get("/api/v1/people?limit=50").json()["items"]] == [[]]
    assert street.get(f"/api/v1/people/{flagged.id}").json()["flags"] == []
    c = login("street")
    for url in (reverse("registry:person_list"), reverse("registry:person_detail", args=[flagged.id]),
                reverse("registry:household_detail", args=[flagged.household_id])):
        html = c.get(url).content.decode()
        assert "flag-key_area" not in html and "湖北省" not in html, url
    assert "flag-key_area" in login("office").get(reverse("registry:person_detail", args=[flagged.id])).content.decode()
