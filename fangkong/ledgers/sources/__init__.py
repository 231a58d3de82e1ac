"""The rows of each ledger, by ledger key (ledgers.spec.LedgerSpec)."""

from __future__ import annotations

from fangkong.ledgers.spec import LedgerSpec

SPECS: dict[str, LedgerSpec] = {}
