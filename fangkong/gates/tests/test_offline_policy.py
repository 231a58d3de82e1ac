"""The two settings of the offline gate: what an offline device does with an exit under a quota, and
when its data counts as old; shown in words and set with widgets on the policy page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from fangkong.core.errors import FieldError
from fangkong.policy.catalogue import SETTINGS
from fangkong.policy.display import value_text
from fangkong.policy.selectors import policy_value
from fangkong.policy.services import policy_set


def test_defaults_let_offline_exits_through_and_warn_after_thirty_minutes(places):
    assert policy_value(community=places["home"], key="offline_exit") == "allow_flag"
    assert policy_value(community=places["home"], key="offline_stale_minutes") == 30


def test_values_are_validated(places, personas):
    with pytest.raises(FieldError):
        SETTINGS["offline_exit"].parse("maybe")
    with pytest.raises(FieldError):
        SETTINGS["offline_stale_minutes"].parse(0)
    policy_set(actor=personas["leader"], key="offline_exit", value="refuse", community=places["home"],
               effective_from=date(2020, 1, 1))
    assert policy_value(community=places["home"], key="offline_exit") == "refuse"


def test_shown_in_words():
    with translation.override("en"):
        assert value_text("offline_exit", "refuse") == "Refuse until the network is back"
        assert value_text("offline_stale_minutes", 45) == "45 minutes"
        assert "'" not in str(SETTINGS["offline_exit"].label) + str(SETTINGS["offline_stale_minutes"].label)


@pytest.mark.parametrize(("key", "value", "stored"), [("offline_exit", "refuse", "refuse"),
                                                      ("offline_stale_minutes", "15", 15)])
def test_the_policy_page_saves_them(places, login, key, value, stored):
    home = places["home"]
    data = {"key": key, f"{key}-level": "community", f"{key}-effective_from": "2020-01-01", f"{key}-value": value}
    r = login("leader").post(reverse("policy:community", args=[home.code]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert policy_value(community=home, key=key) == stored
