from __future__ import annotations

import itertools

import pytest
from django.test import Client

from fangkong.core.identifiers import id_check_char
from fangkong.volunteers.services import SignUp, volunteer_signup

_n = itertools.count(1)


def an_id(n: int) -> str:
    first17 = f"3702121985{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def public():
    """A phone's browser without login, from its own address (the rate limit counts per address)."""
    def make() -> Client:
        return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=f"10.9.{next(_n) % 250}.{next(_n) % 250}")
    return make


@pytest.fixture
def signed_up(places):
    def make(community=None, *, n: int | None = None, name="志愿者") -> object:
        n = n if n is not None else next(_n) + 500
        return volunteer_signup(community=community or places["home"],
                                data=SignUp(name=name, phone=f"139{n:08d}", id_number=an_id(n)))
    return make
