"""The shared rule table (fangkong/gates/scan_rule_cases.json) through the server's own rules: `_rules`
and the quota rule (`quota_reasons`) of `gates.scanning`. The offline console runs the same table
through its rules.js (test_scan_rule_cases_js.py): both deciders answer alike, reasons in one order."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fangkong.core import crypto
from fangkong.gates.errors import ScanReason
from fangkong.gates.scan_sql import Holder, PassRow
from fangkong.gates.scanning import GateInfo, ScanRequest, _rules, exit_quota, quota_reasons

CASES = json.loads((Path(__file__).parents[1] / "scan_rule_cases.json").read_text("utf-8"))["cases"]
HOLDER_ID = "11010119900307663X"
OTHER_ID = "110101199003071234"
GATE = GateInfo(id=1, community_id=1, code="east", kind="both")
COMPARISON = {"gte": ">=", "gt": ">"}


def decide(case: dict) -> list[str]:
    """What the server answers for a case: the same steps as `scan_record`, without the database."""
    if case["signature"] == "bad":
        return [ScanReason.BAD_SIGNATURE]
    if case["pass"] is None:
        return [ScanReason.UNKNOWN_PASS]
    c = case["pass"]
    holder = Holder(1, "", crypto.blind_index("id", HOLDER_ID), "")
    p = PassRow(id=1, community_id=1, number="12345678", kind=c["kind"], status=c["status"], version=c["version"],
                valid_from=date.fromisoformat(c["valid_from"]), valid_until=date.fromisoformat(c["valid_until"]),
                person_id=1, person=holder, restricted=c["restricted"], at_gate=c["at_gate"], banned=c["banned"])
    typed = {None: None, "match": HOLDER_ID.lower(), "mismatch": OTHER_ID}[case["id_number"]]
    req = ScanRequest(gate="east", direction=case["direction"], code=p.number, id_number=typed,
                      temperature=Decimal(case["temperature"]) if case["temperature"] else None)
    policy = {**case["policy"], "fever_comparison": COMPARISON[case["policy"]["fever_comparison"]]}
    version = case["claim_version"] if case["signature"] == "valid" else None
    reasons = _rules(req, GATE, p, version, date.fromisoformat(case["day"]), policy, id_shown=case["id_shown"])
    if not reasons and case["direction"] == "out":
        reasons = quota_reasons(quota=exit_quota(policy, p.kind), exits_known=case["exits_known"])
    return [str(r) for r in reasons]


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("device_only")], ids=lambda c: c["name"])
def test_the_server_decides_each_case_as_the_table_says(case):
    reasons = decide(case)
    assert {"decision": "deny" if reasons else "allow", "reasons": reasons} == case["expected"]


def test_the_table_covers_every_reason_and_the_edges():
    server = [c for c in CASES if not c.get("device_only")]
    assert len(CASES) >= 40
    seen = {r for c in CASES for r in c["expected"]["reasons"]}
    assert seen == {r.value for r in ScanReason} - {ScanReason.HEALTH_CHECK}
    assert any(len(c["expected"]["reasons"]) >= 5 for c in server)  # the order when several apply
    assert {c["policy"]["fever_comparison"] for c in server if "fever" in c["expected"]["reasons"]} == {"gte", "gt"}
    assert all(c["expected"]["reasons"] == ["exit_needs_connection"] for c in CASES
               if "exit_needs_connection" in c["expected"]["reasons"])
    assert all(c.get("device_only") for c in CASES if c["policy"]["offline_exit"] == "refuse" and c["offline"])
