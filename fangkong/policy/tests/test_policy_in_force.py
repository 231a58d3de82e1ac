from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from fangkong.core.errors import FieldError, NotFound, PermissionDenied
from fangkong.policy.selectors import policy_in_force, policy_value
from fangkong.policy.services import policy_set


def test_defaults_apply_without_records(places):
    eff = policy_in_force(community=places["home"], on=date(2020, 2, 1))
    assert eff["observation_days"].value == 14 and eff["observation_days"].level == "default"
    assert eff["fever_threshold"].value == "37.3"
    assert eff["exit_quota"].value["temporary"] == 1
    assert eff["key_areas"].value == ["湖北省"]


def test_nearest_level_wins_over_a_later_date_higher_up(places, personas):
    home, admin = places["home"], personas["admin"]
    policy_set(actor=admin, key="observation_days", value=21, district=home.street.district,
               effective_from=date(2020, 2, 10))
    policy_set(actor=admin, key="observation_days", value=14, community=home, effective_from=date(2020, 1, 25))
    eff = policy_in_force(community=home, on=date(2020, 2, 15))["observation_days"]
    assert (eff.value, eff.level, eff.source) == (14, "community", home.name)
    # The neighbour, with no community value, inherits the district's.
    assert policy_value(community=places["neighbour"], key="observation_days", on=date(2020, 2, 15)) == 21


def test_latest_effective_date_wins_within_a_level_and_future_values_wait(places, personas):
    street, admin = places["home"].street, personas["admin"]
    policy_set(actor=admin, key="fever_threshold", value="37.3", street=street, effective_from=date(2020, 1, 20))
    policy_set(actor=admin, key="fever_threshold", value="37.2", street=street, effective_from=date(2020, 2, 20))
    assert policy_value(community=places["home"], key="fever_threshold", on=date(2020, 2, 19)) == "37.3"
    assert policy_value(community=places["home"], key="fever_threshold", on=date(2020, 2, 20)) == "37.2"
    assert policy_value(community=places["far"], key="fever_threshold", on=date(2020, 2, 20)) == "37.3"


@pytest.mark.parametrize(("key", "value", "code"), [
    ("fever_threshold", "hot", "not_number"),
    ("fever_threshold", "42", "out_of_range"),
    ("observation_days", 0, "out_of_range"),
    ("exit_quota", {"bicycle": 1}, "invalid_quota"),
    ("work_resumption_date", "2020-02-30", "date_format"),
    ("report_cutoff", "25:00", "time_format"),
    ("nonsense", 1, "unknown_setting"),
])
def test_bad_values_are_refused_and_nothing_is_saved(places, personas, key, value, code):
    from fangkong.policy.models import PolicyValue

    with pytest.raises(FieldError) as exc:
        policy_set(actor=personas["admin"], key=key, value=value, community=places["home"],
                   effective_from=date(2020, 2, 1))
    assert exc.value.code == code
    assert not PolicyValue.objects.exists()


def test_who_may_set_where(places, personas):
    home = places["home"]
    policy_set(actor=personas["leader"], key="observation_days", value=14, community=home,
               effective_from=date(2020, 2, 1))
    with pytest.raises(NotFound):
        policy_set(actor=personas["leader"], key="observation_days", value=14, street=home.street,
                   effective_from=date(2020, 2, 1))
    with pytest.raises(NotFound):
        policy_set(actor=personas["outsider"], key="observation_days", value=14, community=home,
                   effective_from=date(2020, 2, 1))
    with pytest.raises(PermissionDenied):
        policy_set(actor=personas["grid1"], key="observation_days", value=14, community=home,
                   effective_from=date(2020, 2, 1))
    policy_set(actor=personas["street"], key="key_areas", value="湖北省, 温州市", street=home.street,
               effective_from=date(2020, 2, 1))
    assert policy_value(community=home, key="key_areas", on=date(2020, 2, 2)) == ["湖北省", "温州市"]


def test_policy_page_shows_value_source_and_history(places, personas):
    home = places["home"]
    policy_set(actor=personas["street"], key="work_resumption_date", value="2020-02-24", street=home.street,
               effective_from=date(2020, 1, 28), note="复工通知")
    c = Client()
    c.force_login(personas["grid1"])
    page = c.get(reverse("policy:community", args=[home.code])).content.decode()
    assert "2020-02-24" in page and home.street.name in page and "复工通知" in page
    assert c.get(reverse("policy:community", args=[places["far"].code])).status_code == 404


def test_policy_api(places, personas, api_client):
    body = api_client("grid1").get(f"/api/v1/communities/{places['home'].code}/policy").json()
    assert {e["key"]: e["value"] for e in body}["observation_days"] == 14
    assert api_client("grid1").get(f"/api/v1/communities/{places['far'].code}/policy").status_code == 404


def test_policy_page_sets_a_value_and_shows_each_refusal_without_saving(places, personas):
    from fangkong.policy.models import PolicyValue

    home = places["home"]
    c = Client()
    c.force_login(personas["leader"])
    url = reverse("policy:community", args=[home.code])
    ok = {"key": "key_areas", "key_areas-value": "湖北省、温州市", "key_areas-level": "community",
          "key_areas-effective_from": "2020-02-01"}
    assert c.post(url, ok).status_code == 302
    assert policy_value(community=home, key="key_areas", on=date(2020, 2, 2)) == ["湖北省", "温州市"]
    days = {"key": "observation_days", "observation_days-level": "community",
            "observation_days-effective_from": "2020-02-01"}
    for bad, shown in [({**days, "observation_days-value": "90"}, "60"),            # the setting's own range
                       ({**days, "observation_days-value": "十四"}, "whole number"),  # not a number
                       ({**ok, "key_areas-effective_from": "2020/02/01"}, "2020-02-24")]:  # the date's format
        r = c.post(url, bad, HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 422 and shown in r.content.decode()
    assert PolicyValue.objects.count() == 1
