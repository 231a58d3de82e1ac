"""The demo community, loaded once for every demo test inside a transaction rolled back at the end.

The demo is seeded (fixed random seeds, dates relative to today), so the tests assert its exact counts."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from fangkong.core.localcache import clear_all
from fangkong.demo.community import DEMO_CODE, load_demo
from fangkong.registry.models import Community


@pytest.fixture(scope="package")
def demo_load(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                             TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
    with django_db_blocker.unblock(), fast:
        clear_all()
        with transaction.atomic():
            logins = load_demo()
            yield Community.objects.get(code=DEMO_CODE), logins
            transaction.set_rollback(True)
        clear_all()


@pytest.fixture
def demo(demo_load, db) -> Community:
    return demo_load[0]


@pytest.fixture
def demo_logins(demo_load, db) -> dict[str, str]:
    return demo_load[1]
