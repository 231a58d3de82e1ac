"""Encryption at rest and blind index for personal identifiers.

ID numbers and phones are stored as AES-256-GCM ciphertext (a fresh 96-bit nonce per value) and
looked up by an HMAC-SHA256 "blind index" of the normalised value, so an exact search never needs
to decrypt the table. Both keys are derived from `FANGKONG_DATA_KEY` with HKDF, so one secret is
all an operator keeps; rotating it means re-encrypting (see docs/operations.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = b"\x01"


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"fangkong", info=purpose).derive(master)


@lru_cache(maxsize=4)
def _keys(master_text: str) -> tuple[AESGCM, bytes]:
    try:
        master = base64.urlsafe_b64decode(master_text.encode() + b"=" * (-len(master_text) % 4))
    except ValueError:
        master = master_text.encode()
    if len(master) < 16:
        # A short passphrase still works but is stretched; a generated key is 32 random bytes.
        master = hashlib.sha256(master_text.encode()).digest()
    return AESGCM(_derive(master, b"encrypt")), _derive(master, b"blind-index")


def _current() -> tuple[AESGCM, bytes]:
    return _keys(settings.FANGKONG_DATA_KEY)


def encrypt(plaintext: str) -> str:
    aead, _ = _current()
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), None)
    return base64.b64encode(_VERSION + nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    aead, _ = _current()
    raw = base64.b64decode(token)
    if raw[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    return aead.decrypt(raw[1:13], raw[13:], None).decode("utf-8")


def blind_index(kind: str, normalised: str) -> str:
    """Keyed hash for exact lookup; `kind` separates ID numbers from phones with equal digits."""
    _, key = _current()
    return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()
