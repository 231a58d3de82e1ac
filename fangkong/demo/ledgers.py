"""Demo downloads: a few ledger exports in the lists of the community's secretary, its office and the
street office — one masked, one encrypted, the street's roll-up of the daily report, a gate log.

Made through the real service; the files are written here, at once, rather than left to a worker the
demo may not run (jobs.export_write claims the export, so a worker that picks the queued task later
finds it done and writes nothing)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.ledgers.jobs import export_write
from fangkong.ledgers.services import export_request
from fangkong.registry.models import Community


def load_ledgers_demo(*, admin: User, community: Community) -> None:
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=["secretary", "office1", "street"])}
    week = {"date_from": today - timedelta(days=6), "date_to": today}
    wanted = [
        ("secretary", "returnees", {"community": community, **week, "masked": True}),
        ("secretary", "observation", {"community": community, **week}),  # full identifiers: encrypted
        ("street", "daily_report", {"street": community.street, "date_from": today - timedelta(days=1),
                                    "date_to": today - timedelta(days=1)}),
        ("office1", "gate_log", {"community": community, "date_from": today - timedelta(days=1),
                                 "date_to": today - timedelta(days=1), "masked": True}),
    ]
    for username, ledger, params in wanted:
        actor = users.get(username, admin)
        export, _password = export_request(actor=actor, ledger=ledger, via="demo", **params)
        export_write(export.pk)
