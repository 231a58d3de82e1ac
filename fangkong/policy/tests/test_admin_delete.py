"""A policy value is superseded, never deleted: not in the admin, not by the model, so that what was in
force on a past day, and who set it, cannot be rewritten without a trace."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from fangkong.accounts.models import User
from fangkong.core.errors import Conflict
from fangkong.policy.models import PolicyValue


@pytest.fixture
def superuser(personas) -> Client:
    admin = personas["admin"]
    User.objects.filter(pk=admin.pk).update(is_staff=True)  # may open the admin site
    c = Client()
    c.force_login(admin)
    return c


@pytest.fixture
def policy_value(personas, places) -> PolicyValue:
    return PolicyValue.objects.create(key="observation_days", value=21, community=places["home"],
                                      effective_from=date(2026, 11, 1), set_by=personas["admin"])


def test_a_policy_value_cannot_be_deleted_in_the_admin(superuser, policy_value):
    url = f"/admin/policy/policyvalue/{policy_value.pk}/delete/"
    assert superuser.get(url).status_code == 403
    assert superuser.post(url, {"post": "yes"}).status_code == 403
    listing = superuser.get("/admin/policy/policyvalue/")
    assert listing.status_code == 200 and b"delete_selected" not in listing.content
    r = superuser.post("/admin/policy/policyvalue/", {"action": "delete_selected",
                                                      "_selected_action": [policy_value.pk], "post": "yes"})
    assert r.status_code in (200, 302)
    assert PolicyValue.objects.filter(pk=policy_value.pk).exists()


def test_the_model_refuses_to_delete_a_policy_value(policy_value):
    with pytest.raises(Conflict):
        policy_value.delete()
    assert PolicyValue.objects.filter(pk=policy_value.pk).exists()
