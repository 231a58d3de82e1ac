"""Every page × every persona: who gets in (200), who is refused (403), who sees nothing (404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def urls(places, make_person):
    p = make_person(places["grid1"])
    home = places["home"].code
    return {
        "people": reverse("registry:person_list"),
        "person": reverse("registry:person_detail", args=[p.pk]),
        "household": reverse("registry:household_detail", args=[p.household_id]),
        "households": reverse("registry:household_list"),
        "import": reverse("registry:import_start"),
        "policy": reverse("policy:community", args=[home]),
        "orgchart": reverse("workgroup:org_chart", args=[home]),
        "audit": reverse("accounts:audit_log"),
    }


EXPECTED = {
    #            people person household households import policy orgchart audit
    "admin":    (200,   200,   200,      200,       200,   200,   200,     200),
    "leader":   (200,   200,   200,      200,       200,   200,   200,     200),
    "office":   (200,   200,   200,      200,       200,   200,   200,     403),
    "grid1":    (200,   200,   200,      200,       403,   200,   200,     403),
    "grid2":    (200,   404,   404,      200,       403,   200,   200,     403),
    "street":   (200,   200,   200,      200,       403,   200,   200,     403),
    "guard":    (403,   403,   403,      403,       403,   200,   200,     403),
    "outsider": (200,   404,   404,      200,       200,   404,   404,     200),
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_page_for_every_persona(persona, personas, urls):
    c = Client()
    c.force_login(personas[persona])
    got = tuple(c.get(url).status_code for url in urls.values())
    assert dict(zip(urls, got, strict=True)) == dict(zip(urls, EXPECTED[persona], strict=True))


def test_anonymous_is_sent_to_login(urls):
    c = Client()
    for url in urls.values():
        r = c.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
