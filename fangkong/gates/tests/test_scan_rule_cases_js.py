"""The shared rule table (fangkong/gates/scan_rule_cases.json) through the offline console's rules.js, with
node: the device decides every case as the server does (test_scan_rule_cases.py), reasons in one order. And
the device's QR check and ID hash against the server's own: a QR signed by `passes.signing` verifies in
verify.js and a tampered one does not; the ID hash is the feed's `idh` (HMAC-SHA256, first 12 bytes)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fangkong.passes.signing import PassClaim, encode

ROOT = Path(__file__).resolve().parents[3]
OFFLINE = ROOT / "fangkong" / "static" / "gates" / "offline"
CASES = json.loads((ROOT / "fangkong" / "gates" / "scan_rule_cases.json").read_text("utf-8"))["cases"]
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run_node(script: str, *args: str) -> object:
    """Run an ES module script with node (the offline modules imported by file URL); its stdout is JSON."""
    done = subprocess.run([NODE, "--no-warnings", "--input-type=module", "-e", script, "--", *args],
                          capture_output=True, text=True, timeout=60, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def module_url(name: str) -> str:
    return (OFFLINE / name).as_uri()


@pytest.fixture(scope="module")
def device_answers() -> dict[str, dict]:
    script = f"""
    import {{ readFileSync }} from "node:fs";
    import {{ decideCase }} from "{module_url('rules.js')}";
    const cases = JSON.parse(readFileSync(process.argv[1], "utf-8")).cases;
    console.log(JSON.stringify(Object.fromEntries(cases.map((c) => [c.name, decideCase(c)]))));
    """
    return run_node(script, str(ROOT / "fangkong" / "gates" / "scan_rule_cases.json"))


def test_case_names_are_unique():
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_the_device_decides_each_case_as_the_table_says(case, device_answers):
    assert device_answers[case["name"]] == case["expected"]


def test_the_id_card_picks_the_pass_the_server_would():
    # The same order as `_pass_for_id_number`: valid today, usable here, own before vehicle, active, latest end.
    script = f"""
    import {{ pickPassForId }} from "{module_url('rules.js')}";
    const base = {{ kind: "resident", status: "active", valid_from: "2020-01-01", valid_until: "2020-12-31",
                   restricted: false, at_gate: false }};
    const pick = (rows) => (pickPassForId(rows, "2020-06-01") || {{ id: null }}).id;
    console.log(JSON.stringify([
      pick([{{ ...base, id: 1, status: "revoked" }}]),
      pick([{{ ...base, id: 1, valid_until: "2020-05-31" }}, {{ ...base, id: 2, valid_until: "2020-06-01" }}]),
      pick([{{ ...base, id: 1, restricted: true }}, {{ ...base, id: 2, restricted: true, at_gate: true }}]),
      pick([{{ ...base, id: 2, kind: "vehicle" }}, {{ ...base, id: 1 }}]),
      pick([{{ ...base, id: 2, status: "suspended" }}, {{ ...base, id: 1 }}]),
      pick([{{ ...base, id: 1, valid_until: "2021-01-01" }}, {{ ...base, id: 2 }}]),
      pick([{{ ...base, id: 1 }}, {{ ...base, id: 2 }}]),
    ]));
    """
    assert run_node(script) == [None, 2, 2, 1, 1, 1, 2]


def test_the_id_number_is_checked_as_the_server_checks_it():
    script = f"""
    import {{ idNumberProblem, looksLikeIdNumber }} from "{module_url('rules.js')}";
    console.log(JSON.stringify([idNumberProblem("11010519491231002x", "2026-12-03"),
      idNumberProblem("110101199003076631", "2026-12-03"), idNumberProblem("110101199002306635", "2026-12-03"),
      idNumberProblem("11010119900307663", "2026-12-03"), looksLikeIdNumber("11010119900307663X"),
      looksLikeIdNumber("12345678")]));
    """
    assert run_node(script) == ["", "id_checksum", "id_birth_date", "id_format", True, False]


@pytest.fixture
def vendored() -> None:
    if not (ROOT / "fangkong" / "static" / "vendor" / "@noble" / "ed25519" / "index.js").is_file():
        pytest.skip("the vendored libraries are missing: run vendor_static.py")


def test_a_qr_signed_by_the_server_verifies_on_the_device_and_a_tampered_one_does_not(vendored):
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    qr = encode(PassClaim(3, 101, 2, date(2026, 12, 1), date(2026, 12, 31), 7), private)
    flipped = qr[:20] + ("A" if qr[20] != "A" else "B") + qr[21:]
    script = f"""
    import {{ decodeQr, keyMap }} from "{module_url('verify.js')}";
    const keys = keyMap([{{ kid: 3, public_key: process.argv[1] }}]);
    const other = keyMap([{{ kid: 4, public_key: process.argv[1] }}]);
    console.log(JSON.stringify([decodeQr(process.argv[2], keys), decodeQr(process.argv[3], keys),
      decodeQr(process.argv[2], other), decodeQr(process.argv[2] + "x", keys)]));
    """
    good, tampered, unknown_key, too_long = run_node(script, base64.b64encode(public).decode(), qr, flipped)
    assert good == {"ok": True, "claim": {"kid": 3, "passId": 101, "version": 2, "validFrom": "2026-12-01",
                                          "validUntil": "2026-12-31", "communityId": 7}}
    assert tampered["ok"] is False and unknown_key == {"ok": False, "why": "key"}
    assert too_long == {"ok": False, "why": "encoding"}


def test_the_device_hashes_a_typed_id_number_as_the_feed_does(vendored):
    key = bytes(range(32))
    expected = base64.urlsafe_b64encode(hmac.new(key, b"11010119900307663X", hashlib.sha256).digest()[:12])
    script = f"""
    import {{ idHash, base64Bytes }} from "{module_url('verify.js')}";
    console.log(JSON.stringify(idHash(base64Bytes(process.argv[1]), process.argv[2])));
    """
    # Lower-case x and full-width digits normalise as core.identifiers.normalise_id_number does.
    typed = " １１0101199003076 63x"
    assert run_node(script, base64.b64encode(key).decode(), typed) == expected.rstrip(b"=").decode()
