"""A pass is suspended while its holder is under medical observation, so the suspended passes are a list
of people under observation: only roles with health permission may ask for it, on the API and the page."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from fangkong.accounts.roles import Role
from fangkong.accounts.services import token_create, user_create
from fangkong.passes.models import Pass
from fangkong.passes.services import pass_issue


@pytest.fixture
def suspended(personas, places, make_person):
    people = [make_person(places["grid1"], name=n) for n in ("观察甲", "居民乙")]
    passes = [pass_issue(actor=personas["office"], person=p, kind="resident", valid_from=date(2020, 1, 1),
                         valid_until=date(2099, 1, 1)) for p in people]
    Pass.objects.filter(pk=passes[0].pk).update(status=Pass.Status.SUSPENDED)
    return passes[0]


@pytest.fixture
def volunteer(places):
    return user_create(username="volunteer", password="pw-volunteer", role=Role.VOLUNTEER,
                       communities=[places["home"]])


def _clients(api_client, volunteer):
    return {"street": api_client("street"), "guard": api_client("guard"),
            "volunteer": Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=volunteer)}")}


def test_the_api_refuses_the_suspended_filter_without_health_permission(api_client, volunteer, suspended):
    for who, c in _clients(api_client, volunteer).items():
        r = c.get("/api/v1/passes?status=suspended")
        assert r.status_code == 400, who
        assert r.json()["errors"][0]["field"] == "status"
        assert r.json()["errors"][0]["code"] == "health_permission_required"
        assert suspended.number not in r.content.decode()
    assert Pass.objects.filter(status=Pass.Status.SUSPENDED).count() == 1  # nothing changed


def test_health_roles_list_the_suspended_passes(api_client, suspended):
    for who in ("office", "leader"):
        rows = api_client(who).get("/api/v1/passes?status=suspended").json()
        assert [p["number"] for p in rows] == [suspended.number], who


def test_the_passes_page_refuses_the_filter_and_does_not_offer_it(login, suspended):
    street = login("street")
    r = street.get("/passes/?status=suspended")
    assert r.status_code == 400
    assert suspended.number not in r.content.decode()
    page = street.get("/passes/").content.decode()
    assert 'value="suspended"' not in page
    office = login("office")
    assert 'value="suspended"' in office.get("/passes/").content.decode()
    assert suspended.number in office.get("/passes/?status=suspended").content.decode()


def test_no_reason_is_given_beside_a_suspended_pass(api_client, volunteer, suspended):
    for who, c in _clients(api_client, volunteer).items():
        row = next(p for p in c.get("/api/v1/passes").json() if p["number"] == suspended.number)
        assert row["revoked_reason"] == "", who
        assert "observation" not in str(row).lower(), who
