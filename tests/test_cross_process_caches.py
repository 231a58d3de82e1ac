"""The writes that other server processes must see sooner than a cache's time bound bump their generation
counter (core/shared_state.py, docs/scaling-out.md): a token revoked, a user changed, a scope grant, a
signing key, a policy value. "Another process" is simulated: the row changes and the shared counter moves,
as another server would do them, without this process's own cache being told."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from fangkong.accounts.models import ApiToken, ScopeGrant
from fangkong.accounts.services import scope_grant_add, token_authenticate_for_scans, token_create, user_change
from fangkong.core import shared_state
from fangkong.core.tests.test_shared_state import LOCMEM, bump_elsewhere
from fangkong.passes import keys
from fangkong.passes.models import SigningKey
from fangkong.policy.models import PolicyValue
from fangkong.policy.selectors import policy_cache_clear, policy_values_cached


@pytest.fixture
def shared(settings):
    from fangkong.core.localcache import clear_all

    settings.CACHES = LOCMEM
    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()


def _revoke_elsewhere(user) -> None:
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())


def test_a_token_revoked_on_another_server_stops_at_the_next_check(shared, personas, monkeypatch):
    guard = personas["guard"]
    key = token_create(user=guard)
    assert token_authenticate_for_scans(key) == guard
    _revoke_elsewhere(guard)
    bump_elsewhere("users")
    assert token_authenticate_for_scans(key) == guard  # within the check interval
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    assert token_authenticate_for_scans(key) is None


def test_without_the_bump_the_revoked_token_stays_cached_for_its_time_bound(shared, personas, monkeypatch):
    # The counterpart of the test above: it is the counter that ends the token early, not the check.
    guard = personas["guard"]
    key = token_create(user=guard)
    assert token_authenticate_for_scans(key) == guard
    _revoke_elsewhere(guard)
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    assert token_authenticate_for_scans(key) == guard


def test_the_process_that_revokes_forgets_at_once_even_without_a_shared_cache(personas,
                                                                             django_capture_on_commit_callbacks):
    guard = personas["guard"]
    key = token_create(user=guard)
    assert token_authenticate_for_scans(key) == guard
    with django_capture_on_commit_callbacks(execute=True):
        token_create(user=guard, replace=True)  # the old one revoked, in this process
    assert token_authenticate_for_scans(key) is None


def test_an_unknown_token_is_not_remembered(personas):
    key = "fk_" + "x" * 43
    assert token_authenticate_for_scans(key) is None
    ApiToken.objects.create(user=personas["guard"], name="late", key_hash=ApiToken.hash_key(key), key_prefix=key[:10])
    assert token_authenticate_for_scans(key) == personas["guard"]


@pytest.mark.django_db(transaction=True)
def test_a_role_or_scope_change_is_announced_after_its_commit(shared, personas, places):
    guard = personas["guard"]
    guard.is_active = False
    user_change(actor=personas["admin"], user=guard, fields=["is_active"])
    assert cache.get("fangkong:gen:users") == 1
    scope_grant_add(actor=personas["admin"], grant=ScopeGrant(user=guard, community=places["neighbour"]))
    assert cache.get("fangkong:gen:users") == 2


def test_a_key_retired_elsewhere_stops_verifying_here(shared, db, monkeypatch):
    first = keys.key_rotate()
    second = keys.key_rotate()
    assert set(keys.public_keys()) == {first.kid, second.kid}
    SigningKey.objects.filter(kid=first.kid).update(retired_at=timezone.now())  # another server's key_retire
    bump_elsewhere("keys")
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    assert set(keys.public_keys()) == {second.kid}


def test_rotating_and_retiring_a_key_announce_it(shared, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        key = keys.key_rotate()
    assert cache.get("fangkong:gen:keys") == 1
    with django_capture_on_commit_callbacks(execute=True):
        keys.key_retire(kid=key.kid)
    assert cache.get("fangkong:gen:keys") == 2


def test_a_policy_change_elsewhere_reaches_the_scans_cache(shared, places, monkeypatch):
    home = places["home"]
    today = timezone.localdate()
    assert policy_values_cached(community_id=home.pk, on=today)["observation_days"] == 14
    PolicyValue.objects.create(community=home, key="observation_days", value=7, effective_from=today)
    assert policy_values_cached(community_id=home.pk, on=today)["observation_days"] == 14  # cached
    bump_elsewhere("policy")
    monkeypatch.setattr(shared_state, "CHECK_SECONDS", 0.0)
    assert policy_values_cached(community_id=home.pk, on=today)["observation_days"] == 7


def test_policy_cache_clear_announces_the_change(shared):
    policy_cache_clear()
    assert cache.get("fangkong:gen:policy") == 1
