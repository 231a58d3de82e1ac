from __future__ import annotations

from django.db import connection
from django.utils import timezone

from fangkong.accounts.models import ApiToken
from fangkong.accounts.services import token_authenticate, token_create


def test_a_token_is_shown_once_and_stored_only_as_its_hash(personas):
    key = token_create(user=personas["guard"], name="gate 1")
    assert key.startswith("fk_") and len(key) > 40
    assert token_authenticate(key) == personas["guard"]
    stored = ApiToken.objects.get()
    assert stored.key_hash == ApiToken.hash_key(key) and stored.key_prefix == key[:10] and stored.name == "gate 1"
    assert not hasattr(stored, "key_encrypted")
    # The plain token is nowhere in the database, in no table; nor is its part after the prefix.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 -- a table name
            assert not any(key[10:] in str(value) for row in cursor.fetchall() for value in row), table


def test_a_new_token_is_added_or_replaces_the_users_others(personas):
    first = token_create(user=personas["guard"])
    second = token_create(user=personas["guard"])
    assert second != first and token_authenticate(first) == token_authenticate(second) == personas["guard"]
    third = token_create(user=personas["guard"], replace=True)
    assert token_authenticate(first) is None and token_authenticate(second) is None  # replaced: refused at once
    assert token_authenticate(third) == personas["guard"]
    assert ApiToken.objects.filter(user=personas["guard"], revoked_at__isnull=True).count() == 1


def test_revoked_token_and_inactive_user_do_not_authenticate(personas):
    key = token_create(user=personas["guard"])
    ApiToken.objects.update(revoked_at=timezone.now())
    assert token_authenticate(key) is None
    key2 = token_create(user=personas["guard"])
    assert key2 != key and token_authenticate(key2) == personas["guard"]
    personas["guard"].is_active = False
    personas["guard"].save()
    assert token_authenticate(key2) is None


def test_api_requires_a_valid_bearer_token(personas, client):
    assert client.get("/api/v1/people").status_code == 401
    assert client.get("/api/v1/people", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    key = token_create(user=personas["office"])
    for wrong in (f"Basic {key}", "Bearer", key, f"Token {key}"):
        assert client.get("/api/v1/people", HTTP_AUTHORIZATION=wrong).status_code == 401, wrong
    assert client.get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert client.get("/api/v1/people", HTTP_AUTHORIZATION=f"bearer {key}").status_code == 200


def test_scan_endpoints_remember_a_token_for_seconds_and_nothing_else_does(personas, monkeypatch):
    """A revoked token keeps scanning for at most SCAN_TOKEN_SECONDS in a process that has just used
    it; every other endpoint refuses it at once, and a token that failed is never remembered."""
    import time

    from fangkong.accounts import services

    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    key = token_create(user=personas["guard"])
    assert services.token_authenticate_for_scans("fk_guessed") is None
    assert services.token_authenticate_for_scans(key) == personas["guard"]
    ApiToken.objects.update(revoked_at=timezone.now())
    assert token_authenticate(key) is None  # reveals, exports, revocations: refused at once
    now[0] += services.SCAN_TOKEN_SECONDS - 1
    assert services.token_authenticate_for_scans(key) == personas["guard"]  # within the window
    now[0] += 2
    assert services.token_authenticate_for_scans(key) is None  # past it: looked up, refused
    assert services.token_authenticate_for_scans(key) is None  # and the refusal is not kept

    fresh = token_create(user=personas["guard"])
    ApiToken.objects.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    assert services.token_authenticate_for_scans(fresh) is None  # never remembered, so refused now
