"""Personas for access tests (after healthchecks' Alice/Bob): two grid workers of one community,
its leader and office, a street office, a guard, and an outsider from another street."""

from __future__ import annotations

import os
from datetime import date

import pytest

os.environ.setdefault("FANGKONG_TASKS", "immediate")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # Background jobs run inline in tests, whatever the environment says (django-tasks resets its
    # backends on setting_changed).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    from fangkong.core.localcache import clear_all

    clear_all()
    yield
    clear_all()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 at production strength costs ~0.5 s per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def places(db):
    from fangkong.registry.models import District, Street
    from fangkong.registry.services import places_ensure, tags_ensure

    tags_ensure()
    home = places_ensure(community_code="C1", community_name="一号社区", grids=2)
    neighbour = places_ensure(community_code="C2", community_name="二号社区", grids=1, street=home.street)
    district = District.objects.get(code="370212")
    other_street = Street.objects.create(district=district, code="370212009", name="沙子口街道")
    far = places_ensure(community_code="C9", community_name="九号社区", grids=1, street=other_street)
    return {"home": home, "neighbour": neighbour, "far": far,
            "grid1": home.grids.get(number=1), "grid2": home.grids.get(number=2)}


@pytest.fixture
def personas(places):
    from fangkong.accounts.roles import Role
    from fangkong.accounts.services import user_create

    home, far = places["home"], places["far"]

    def mk(name, role, **scope):
        return user_create(username=name, password="pw-" + name, role=role, **scope)

    return {
        "admin": mk("admin", Role.ADMINISTRATOR),
        "leader": mk("leader", Role.COMMUNITY_LEADER, communities=[home]),
        "office": mk("office", Role.OFFICE_STAFF, communities=[home]),
        "grid1": mk("grid1", Role.GRID_WORKER, grids=[places["grid1"]]),
        "grid2": mk("grid2", Role.GRID_WORKER, grids=[places["grid2"]]),
        "street": mk("street", Role.STREET_OFFICE, streets=[home.street]),
        "guard": mk("guard", Role.GUARD, communities=[home]),
        "outsider": mk("outsider", Role.COMMUNITY_LEADER, communities=[far]),
    }


@pytest.fixture
def make_person(personas):
    """Register a person through the real services, in a new household of the given grid."""
    from fangkong.core.identifiers import id_check_char
    from fangkong.registry.services import household_create, person_register
    from fangkong.registry.validation import person_data_from

    counter = {"n": 0}

    def make(grid, *, name="测试居民", phone="", category="registered", tags=(), household=None, **extra):
        counter["n"] += 1
        first17 = f"370212199001{counter['n'] % 28 + 1:02d}{counter['n']:03d}"
        number = first17 + id_check_char(first17)
        admin = personas["admin"]
        hh = household or household_create(actor=admin, community=grid.community, grid=grid,
                                           building_name=f"{grid.number}号楼", unit="1单元",
                                           room=f"{counter['n']:03d}")
        data = person_data_from({"name": name, "id_number": extra.pop("id_number", number), "phone": phone,
                                 "category": category, "tags": list(tags)})
        return person_register(actor=admin, data=data, community=grid.community, household=hh, **extra)

    return make


@pytest.fixture
def login(personas):
    """A signed-in browser session for a persona (by name) or any user: `login("grid1")`. English by
    default, so tests can read the messages; `language="zh-hans"` for the default one."""
    from django.test import Client

    def client_for(who, language: str = "en") -> Client:
        c = Client(HTTP_ACCEPT_LANGUAGE=language)
        c.force_login(personas[who] if isinstance(who, str) else who)
        return c

    return client_for


@pytest.fixture
def anonymous():
    """A landlord's or resident's phone on a personal link: no login, CSRF enforced as in a browser."""
    from django.test import Client

    return lambda language="en": Client(HTTP_ACCEPT_LANGUAGE=language, enforce_csrf_checks=True)


@pytest.fixture
def api_client(personas):
    from django.test import Client

    from fangkong.accounts.services import token_create

    tokens: dict[str, str] = {}  # a token is shown once: one per persona for the test, made on first use

    def client_for(persona: str) -> Client:
        if persona not in tokens:
            tokens[persona] = token_create(user=personas[persona])
        return Client(HTTP_AUTHORIZATION=f"Bearer {tokens[persona]}")

    return client_for


TODAY = date(2026, 11, 29)
