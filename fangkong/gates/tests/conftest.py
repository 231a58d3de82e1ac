from __future__ import annotations

from datetime import date

import pytest

from fangkong.gates.models import Gate
from fangkong.passes.services import pass_issue


@pytest.fixture
def gates(places):
    home = places["home"]
    return {
        "east": Gate.objects.create(community=home, code="east", name="辽阳东路门岗"),
        "north": Gate.objects.create(community=home, code="north", name="北门岗"),
        "far": Gate.objects.create(community=places["far"], code="far", name="外社区门岗"),
    }


@pytest.fixture
def tenant(places, make_person):
    return make_person(places["grid1"], name="外来务工", category="floating")


@pytest.fixture
def temp_pass(personas, tenant, gates):
    return pass_issue(actor=personas["office"], person=tenant, kind="temporary", valid_from=date(2020, 1, 1),
                      valid_until=date(2099, 12, 31))
