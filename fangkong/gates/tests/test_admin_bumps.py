"""A gate saved or deleted in the Django admin bumps the "gates" generation once the change commits, so
that every app server drops the gate it cached for scanning (core/shared_state.py, gates.scanning)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from fangkong.core import shared_state
from fangkong.gates.models import Gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate_admin():
    return admin.site._registry[Gate]


@pytest.fixture
def request_(personas):
    request = RequestFactory().post("/admin/gates/gate/")
    request.user = personas["admin"]
    return request


@pytest.fixture
def bumps(monkeypatch):
    """The generations bumped, in order; the real bump still runs."""
    seen: list[str] = []
    real = shared_state.bump

    def spy(name: str) -> None:
        seen.append(name)
        real(name)

    monkeypatch.setattr(shared_state, "bump", spy)
    return seen


def _generation() -> int:
    return shared_state.current("gates")[1]


def test_saving_a_gate_bumps_after_the_commit(places, gate_admin, request_, bumps,
                                              django_capture_on_commit_callbacks):
    before = _generation()
    gate = Gate(community=places["home"], code="east", name="东门")
    with django_capture_on_commit_callbacks(execute=True):
        gate_admin.save_model(request_, gate, None, False)
        assert bumps == []  # not before the commit: another process would cache the old row again
    assert bumps == ["gates"] and _generation() == before + 1

    gate.name = "东大门"
    with django_capture_on_commit_callbacks(execute=True):
        gate_admin.save_model(request_, gate, None, True)
    assert bumps == ["gates", "gates"]


def test_deleting_a_gate_bumps(places, gate_admin, request_, bumps, django_capture_on_commit_callbacks):
    gate = Gate.objects.create(community=places["home"], code="east", name="东门")
    with django_capture_on_commit_callbacks(execute=True):
        gate_admin.delete_model(request_, gate)
    assert bumps == ["gates"] and not Gate.objects.filter(code="east").exists()


def test_deleting_gates_in_bulk_bumps_once(places, gate_admin, request_, bumps,
                                           django_capture_on_commit_callbacks):
    for code in ("east", "west"):
        Gate.objects.create(community=places["home"], code=code, name=code)
    with django_capture_on_commit_callbacks(execute=True):
        gate_admin.delete_queryset(request_, Gate.objects.filter(code__in=["east", "west"]))
    assert bumps == ["gates"] and not Gate.objects.exists()
