"""Exact search by ID number or phone cannot be used to un-mask an identifier: audited, budgeted for roles
that may not reveal, and registration answers the same for every ID number held outside the scope."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import AuditEntry, SecurityAlert
from fangkong.core.errors import FieldError
from fangkong.core.identifiers import id_check_char
from fangkong.registry.identifier_search import SearchBlocked
from fangkong.registry.models import Person
from fangkong.registry.selectors import person_list
from fangkong.registry.services import household_create, person_register
from fangkong.registry.validation import person_data_from


def candidates(true_number: str, n: int = 36) -> list[str]:
    """What an attacker builds from a mask (first and last four characters): other birth days, valid check digits."""
    out = []
    for day in range(1, 29):
        first17 = true_number[:6] + true_number[6:12] + f"{day:02d}" + true_number[14:17]
        number = first17 + id_check_char(first17)
        if number != true_number:
            out.append(number)
    return out[: n - 1]


@pytest.fixture
def target(places, make_person):
    return make_person(places["grid1"], name="目标", phone="13812345678")


def _search(client: Client, q: str):
    return client.get("/api/v1/people", {"q": q})


def test_the_masked_id_attack_is_stopped_before_the_right_candidate_and_leaves_a_trail(target, api_client,
                                                                                         settings):
    settings.FANGKONG_IDENTIFIER_SEARCH_MISSES = 10
    street = api_client("street")
    true = target.id_number
    # The right number is the 15th guess, as in the attack that recovered it in 15 searches.
    guesses = [*candidates(true)[:14], true]
    answers = [_search(street, g) for g in guesses]
    assert [r.status_code for r in answers[:10]] == [200] * 10
    assert all(r.json()["items"] == [] for r in answers[:10])
    assert {r.status_code for r in answers[10:]} == {429}  # blocked, the right one included
    assert answers[-1].json()["code"] == "search_blocked" and true not in answers[-1].content.decode()
    searches = AuditEntry.objects.filter(action="search", actor__username="street")
    assert searches.count() == 10 and set(searches.values_list("count", flat=True)) == {0}
    assert {tuple(f) for f in searches.values_list("fields", flat=True)} == {("id_number",)}
    dump = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert true not in dump and true[6:14] not in dump  # never the value
    alert = SecurityAlert.objects.get()
    assert (alert.kind, alert.user.username, alert.closed_at) == ("search_blocked", "street", None)


def test_phone_guesses_are_budgeted_too_and_an_administrator_lifts_the_block(target, api_client, personas,
                                                                            settings):
    settings.FANGKONG_IDENTIFIER_SEARCH_MISSES = 3
    street = api_client("street")
    for n in range(3):
        assert _search(street, f"1381234560{n}").json()["items"] == []
    assert _search(street, "13812345678").status_code == 429
    SecurityAlert.objects.update(closed_at=timezone.now(), closed_by=personas["admin"])
    found = _search(street, "13812345678").json()["items"]
    assert [p["id"] for p in found] == [target.pk]
    assert AuditEntry.objects.filter(action="search", fields=["phone"], count=1).count() == 1


def test_roles_that_may_reveal_are_audited_but_not_budgeted(target, api_client, settings):
    settings.FANGKONG_IDENTIFIER_SEARCH_MISSES = 2
    office = api_client("office")
    for g in candidates(target.id_number)[:5]:
        assert _search(office, g).status_code == 200
    assert [p["id"] for p in _search(office, target.id_number).json()["items"]] == [target.pk]
    assert AuditEntry.objects.filter(action="search", actor__username="office").count() == 6
    assert not SecurityAlert.objects.exists()


def test_the_people_page_search_is_guarded_the_same_way(target, personas, settings):
    settings.FANGKONG_IDENTIFIER_SEARCH_MISSES = 2
    c = Client()
    c.force_login(personas["street"])
    url = reverse("registry:person_list")
    for g in candidates(target.id_number)[:2]:
        assert c.get(url, {"q": g}).status_code == 200
    assert c.get(url, {"q": target.id_number}).status_code == 429
    assert AuditEntry.objects.filter(action="search", via="web").count() == 2


def test_the_exact_age_only_for_roles_that_may_reveal_id_numbers(target, api_client):
    street = api_client("street").get(f"/api/v1/people/{target.pk}").json()
    office = api_client("office").get(f"/api/v1/people/{target.pk}").json()
    assert street["age"] is None and office["age"] is not None
    decade = office["age"] // 10 * 10
    assert street["age_band"] == office["age_band"] == f"{decade}-{decade + 9}"


def test_registering_an_id_number_held_outside_the_scope_says_nothing_about_it(target, places, personas):
    outsider = personas["outsider"]
    far = places["far"]
    hh = household_create(actor=outsider, community=far, grid=far.grids.get(), building_name="1号楼", unit="1单元",
                          room="101")

    def register(number: str):
        data = person_data_from({"name": "某", "id_number": number, "category": "registered"})
        return person_register(actor=outsider, data=data, community=far, household=hh)

    with pytest.raises(FieldError) as held_elsewhere:
        register(target.id_number)
    assert held_elsewhere.value.code == "id_number_unavailable"
    assert "already registered" not in held_elsewhere.value.message
    # The miss is recorded although the registration rolled back, and it counts against the same budget.
    assert AuditEntry.objects.filter(action="search", actor=outsider, count=0).count() == 1
    assert Person.objects.filter(community=far).count() == 0
    # Inside the scope the answer may say so: the user can find that person anyway.
    with pytest.raises(FieldError) as here:
        person_register(actor=personas["leader"], data=person_data_from(
            {"name": "某", "id_number": target.id_number, "category": "registered"}), community=places["home"],
            household=target.household)
    assert here.value.code == "id_number_taken"


def test_registration_refusals_use_up_the_search_budget(target, places, personas, settings):
    settings.FANGKONG_IDENTIFIER_SEARCH_MISSES = 1
    grid2 = personas["grid2"]  # may register people in grid 2, may not reveal ID numbers
    hh = household_create(actor=grid2, community=places["home"], grid=places["grid2"], building_name="2号楼",
                          unit="1单元", room="201")
    data = person_data_from({"name": "某", "id_number": target.id_number, "category": "registered"})
    with pytest.raises(FieldError) as exc:
        person_register(actor=grid2, data=data, community=places["home"], household=hh)
    assert exc.value.code == "id_number_unavailable"  # held in grid 1, outside this worker's scope
    assert SecurityAlert.objects.filter(user=grid2).count() == 1
    with pytest.raises(SearchBlocked):
        list(person_list(actor=grid2, q=target.id_number))
    with pytest.raises(SearchBlocked):
        person_register(actor=grid2, data=data, community=places["home"], household=hh)
