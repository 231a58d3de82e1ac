"""The rows of each ledger, by ledger key (ledgers.spec.LedgerSpec): one module per ledger, the
returnees and key-area inflow ledgers sharing the travel records they are read from (travel.py)."""

from __future__ import annotations

from fangkong.ledgers.sources import daily_report, gates, key_area_inflow, observation, returnees
from fangkong.ledgers.sources.returnees import returnees_title
from fangkong.ledgers.spec import ExportContext, LedgerSpec

SPECS: dict[str, LedgerSpec] = {spec.key: spec for spec in (
    returnees.SPEC, key_area_inflow.SPEC, daily_report.SPEC, observation.SPEC, gates.VISITORS, gates.GATE_LOG,
)}


def default_title(spec: LedgerSpec, ctx: ExportContext) -> str:
    """The title a ledger takes when its layout keeps the built-in one: the returnees ledger names the key
    areas in force (返回湖北人员摸排登记台账 while the key area is 湖北省); the others their spec's title."""
    return returnees_title(ctx) if spec.key == returnees.SPEC.key else spec.title


__all__ = ["SPECS", "default_title"]
