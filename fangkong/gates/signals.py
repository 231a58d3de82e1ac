"""What the gate tells the apps above it, without importing them (gates sits below observation).

`fever_refused` is sent once a scan refused for fever has been committed; observation connects a
receiver in its AppConfig.ready that opens (or updates) a `gate_fever` alert. Keyword arguments:

- `scan_id`, `person_id`, `gate_id`, `community_id`: ints, the scan written and whom and where it is of;
- `temperature`: the Decimal read at the gate;
- `at`: when the scan happened (an offline device's `scanned_at`, else when it was recorded);
- `actor`: the guard's `User`; `via`: the channel, "web" or "api".

Only a refusal for fever sends it, so the allow path and every other refusal pay nothing. A replayed
scan (the same client_id) does not send it again: the first one did.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.dispatch import Signal

from fangkong.accounts.models import User
from fangkong.gates.models import Scan

fever_refused = Signal()


def fever_refused_announce(*, scan_id: int, person_id: int, gate_id: int, community_id: int,
                           temperature: Decimal, at: datetime, actor: User, via: str) -> None:
    """Send `fever_refused` after the scan's commit (at once when no transaction is open, as on the
    scan path). A receiver that fails is logged, never the guard's error: the scan stands."""

    def send() -> None:
        fever_refused.send(sender=Scan, scan_id=scan_id, person_id=person_id, gate_id=gate_id,
                           community_id=community_id, temperature=temperature, at=at, actor=actor, via=via)

    transaction.on_commit(send, robust=True)
