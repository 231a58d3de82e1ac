"""Offline verification of signed pass QR codes on one core (budget: ≥ 10,000 per second).

What a gate device does without the server: decode the text and check the Ed25519 signature
against the public keys it synced. Run:  .venv/bin/python bench/verify_signed_passes.py

Besides `signing.decode` it times the bare signature checks of the two libraries at hand on the
same core in the same run: libsodium (PyNaCl, what decode uses) and OpenSSL (`cryptography`). The
machine is a shared VM whose speed moves with its neighbours, so the share of decode's time that is
not the signature check (its parsing) is the figure to compare between runs.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.bindings import crypto_sign_open

from fangkong.passes import signing

BUDGET_PER_SECOND = 10_000
ROUNDS = 5


def best_rate(n: int, run) -> float:
    best = 0.0
    for _round in range(ROUNDS):
        started = time.perf_counter()
        run()
        best = max(best, n / (time.perf_counter() - started))
    return best


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core, as the budget says
    key = Ed25519PrivateKey.generate()
    public = {1: key.public_key().public_bytes_raw()}
    texts = [signing.encode(signing.PassClaim(1, i, 1, date(2020, 1, 1), date(2020, 3, 1), 7), key)
             for i in range(1, 20_001)]
    n = len(texts)
    raw = [signing.base64.urlsafe_b64decode(t[len(signing.PREFIX):]) for t in texts]
    pairs = [(r[signing.PAYLOAD_LEN:], r[:signing.PAYLOAD_LEN]) for r in raw]  # (signature, payload)
    signed = [sig + payload for sig, payload in pairs]  # libsodium's signed-message form
    openssl_key = Ed25519PublicKey.from_public_bytes(public[1])
    pk = public[1]

    def decode_all():
        for t in texts:
            signing.decode(t, public)

    def libsodium_all():
        for m in signed:
            crypto_sign_open(m, pk)

    def openssl_all():
        for sig, payload in pairs:
            openssl_key.verify(sig, payload)

    decode = best_rate(n, decode_all)
    libsodium = best_rate(n, libsodium_all)
    openssl = best_rate(n, openssl_all)
    load = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"
    print(f"{n} distinct signed passes x{ROUNDS} rounds on one core (best round), load average {load}:")
    print(f"  signing.decode (parse + libsodium verify): {decode:9,.0f}/s   budget {BUDGET_PER_SECOND:,}/s")
    print(f"  libsodium verify alone (PyNaCl):           {libsodium:9,.0f}/s   decode's parsing: "
          f"{100 * (1 - decode / libsodium):.1f} % of its time")
    print(f"  OpenSSL verify alone (cryptography):       {openssl:9,.0f}/s   libsodium is {libsodium / openssl:.2f}x")
    return 0 if decode >= BUDGET_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main())
