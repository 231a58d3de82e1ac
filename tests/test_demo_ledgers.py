"""The demo's downloads are made through the real service and written at once, even when no worker runs. Here
rather than in fangkong/demo/tests, whose package-wide demo would already hold these logins."""

from __future__ import annotations

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.demo.ledgers import load_ledgers_demo
from fangkong.ledgers.models import Export


def test_demo_downloads_are_written_without_a_worker(places, personas, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    home = places["home"]
    user_create(username="secretary", password="pw-secretary", role=Role.COMMUNITY_LEADER, communities=[home])
    user_create(username="office1", password="pw-office1", role=Role.OFFICE_STAFF, communities=[home])
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nothing runs queued tasks
    load_ledgers_demo(admin=personas["admin"], community=home)
    made = {(e.ledger, e.requested_by.username, e.encrypted) for e in Export.objects.select_related("requested_by")}
    assert made == {("returnees", "secretary", False), ("observation", "secretary", True),
                    ("daily_report", "street", False), ("gate_log", "office1", False)}
    assert set(Export.objects.values_list("status", flat=True)) == {"done"}
