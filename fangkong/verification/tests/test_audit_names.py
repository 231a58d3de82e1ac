"""The audit log names pushed-down lists by their batch and rows by batch, number and masked name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.accounts.audit_names import names_of, type_label
from fangkong.verification.models import VerificationRow

pytestmark = pytest.mark.django_db


def test_lists_and_rows_are_named(pushed):
    vlist = pushed["list"]
    row = VerificationRow.objects.get(vlist=vlist, number=1)
    named = names_of([("verification_list", str(vlist.pk)), ("verification_row", str(row.pk))])
    assert named[("verification_list", str(vlist.pk))].text == "B-1"
    assert named[("verification_row", str(row.pk))].text.startswith("B-1 #1 · 张")
    assert "张三" not in named[("verification_row", str(row.pk))].text
    assert named[("verification_row", str(row.pk))].url == reverse("verification:list_detail", args=[vlist.pk])
    assert type_label("verification_list") != "verification_list"
