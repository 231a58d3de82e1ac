from __future__ import annotations

from django.utils import timezone

from fangkong.accounts.models import ApiToken
from fangkong.accounts.services import token_authenticate, token_get_or_create


def test_token_is_created_once_and_shown_again(personas):
    first = token_get_or_create(user=personas["guard"])
    assert token_get_or_create(user=personas["guard"]) == first
    assert ApiToken.objects.filter(user=personas["guard"]).count() == 1
    assert token_authenticate(first) == personas["guard"]
    stored = ApiToken.objects.get()
    assert first not in (stored.key_hash, stored.key_encrypted)


def test_revoked_token_and_inactive_user_do_not_authenticate(personas):
    key = token_get_or_create(user=personas["guard"])
    ApiToken.objects.update(revoked_at=timezone.now())
    assert token_authenticate(key) is None
    key2 = token_get_or_create(user=personas["guard"])
    assert key2 != key and token_authenticate(key2) == personas["guard"]
    personas["guard"].is_active = False
    personas["guard"].save()
    assert token_authenticate(key2) is None


def test_api_requires_a_valid_bearer_token(personas, client):
    assert client.get("/api/v1/people").status_code == 401
    assert client.get("/api/v1/people", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    key = token_get_or_create(user=personas["office"])
    assert client.get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
