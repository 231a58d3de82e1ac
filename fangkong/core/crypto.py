"""Encryption at rest and blind index for personal identifiers and other secrets kept in rows.

Values are stored as AES-256-GCM ciphertext (a fresh 96-bit nonce per value) whose associated data
names the table, the column and the row (its `row_key`, a random UUID made in Python before the
insert): a ciphertext copied to another row or column fails to decrypt instead of showing another
person's value (docs/decisions/0012-ciphertexts-bound-to-their-row.md). Exact lookups use an
HMAC-SHA256 "blind index" of the normalised value, so a search never decrypts the table.

Both keys are derived with HKDF from `FANGKONG_DATA_KEY`, so one secret is all an operator keeps. A
ciphertext names the key that sealed it (a 4-byte key id), so while `fangkong rotate-data-key` runs
the previous key (`FANGKONG_DATA_KEY_OLD`) still opens what has not been re-encrypted yet.

Format 2, base64: version byte 0x02 | key id (4) | nonce (12) | ciphertext and tag. Format 1 (no key
id, no associated data) is read only by the migrations that re-encrypted it (fangkong/core/rekey.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

VERSION = 2
_KEY_ID_LEN = 4
_HEADER_LEN = 1 + _KEY_ID_LEN
_NONCE_LEN = 12

# A passphrase (anything but 32 random bytes in base64) is stretched with scrypt. The salt is fixed
# because the key must come out the same in every process and on every restore; what it buys is that
# a table of passphrases made for other software is of no use here. n=2**15, r=8: about 32 MiB and
# 0.1 s once per process (docs/operations.md, Keys).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SCRYPT_SALT = hashlib.sha256(b"fangkong:FANGKONG_DATA_KEY:scrypt:v1").digest()


class DataKeyError(ValueError):
    """A key setting that cannot be used (empty)."""


class DecryptionError(ValueError):
    """A ciphertext that does not open: damaged, moved from another row or column, or under an unknown key."""


def raw_key(text: str) -> bytes | None:
    """The 32 bytes of a generated key (URL-safe or standard base64, padding optional), else None."""
    compact = text.strip()
    try:
        raw = base64.b64decode(compact + "=" * (-len(compact) % 4), altchars=b"-_" if "-" in compact or "_" in
                               compact else None, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


@lru_cache(maxsize=8)
def master_key(text: str) -> bytes:
    """The 32-byte master key behind a `FANGKONG_DATA_KEY` value (cached: scrypt runs once per process)."""
    if not text:
        raise DataKeyError("FANGKONG_DATA_KEY is empty: set 32 random bytes in base64 (see docs/operations.md)")
    raw = raw_key(text)
    if raw is not None:
        return raw
    return hashlib.scrypt(text.encode("utf-8"), salt=SCRYPT_SALT, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                          maxmem=64 * 1024 * 1024, dklen=32)


def derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"fangkong", info=purpose).derive(master)


@dataclass(frozen=True, eq=False)
class DataKey:
    """The keys derived from one master key: the AEAD key, the blind-index key and the key's id."""

    key_id: bytes
    aead: AESGCM
    index_key: bytes

    @property
    def key_id_hex(self) -> str:
        return self.key_id.hex()

    def blind_index(self, kind: str, normalised: str) -> str:
        return hmac.new(self.index_key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()

    def encrypt(self, plaintext: str, binding: bytes) -> str:
        header = bytes([VERSION]) + self.key_id
        nonce = os.urandom(_NONCE_LEN)
        sealed = self.aead.encrypt(nonce, plaintext.encode("utf-8"), header + binding)
        return base64.b64encode(header + nonce + sealed).decode("ascii")


@lru_cache(maxsize=8)
def data_key(text: str) -> DataKey:
    master = master_key(text)
    # The id is derived, not random, so that the same key set twice is recognised as the same key.
    return DataKey(key_id=derive(master, b"key-id")[:_KEY_ID_LEN], aead=AESGCM(derive(master, b"encrypt")),
                   index_key=derive(master, b"blind-index"))


def header(token: str) -> tuple[int, bytes]:
    """The format version and key id a ciphertext names (key id empty for format 1)."""
    raw = base64.b64decode(token[:12])  # 12 base64 characters: the first 9 bytes, the header within
    if raw[:1] == b"\x01":
        return 1, b""
    return raw[0], raw[1:_HEADER_LEN]


class Keyring:
    """The current key, which seals, and earlier keys, which only open (during a rotation)."""

    def __init__(self, keys: Iterable[DataKey]):
        keys = list(keys)
        self.current = keys[0]
        self._by_id = {}
        for k in reversed(keys):
            self._by_id[k.key_id] = k

    def decrypt(self, token: str, binding: bytes) -> str:
        try:
            raw = base64.b64decode(token, validate=True)
        except (binascii.Error, ValueError):
            raise DecryptionError("not a ciphertext (bad base64)") from None
        if raw[:1] != bytes([VERSION]) or len(raw) < _HEADER_LEN + _NONCE_LEN + 16:
            raise DecryptionError(f"unknown ciphertext format {raw[:1].hex() or 'empty'}")
        key = self._by_id.get(raw[1:_HEADER_LEN])
        if key is None:
            raise DecryptionError(f"sealed under key {raw[1:_HEADER_LEN].hex()}, which is neither "
                                  "FANGKONG_DATA_KEY nor FANGKONG_DATA_KEY_OLD")
        try:
            return key.aead.decrypt(raw[_HEADER_LEN:_HEADER_LEN + _NONCE_LEN], raw[_HEADER_LEN + _NONCE_LEN:],
                                    raw[:_HEADER_LEN] + binding).decode("utf-8")
        except InvalidTag:
            raise DecryptionError(f"does not belong to {binding.decode(errors='replace')} (moved or altered)"
                                  ) from None


def old_key_text() -> str:
    """The previous key during a rotation: FANGKONG_DATA_KEY_OLD, or the file FANGKONG_DATA_KEY_OLD_FILE names."""
    text = getattr(settings, "FANGKONG_DATA_KEY_OLD", "") or os.environ.get("FANGKONG_DATA_KEY_OLD", "")
    path = os.environ.get("FANGKONG_DATA_KEY_OLD_FILE", "")
    if not text and path:
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
    return text


@lru_cache(maxsize=4)
def _keyring(current: str, old: str) -> Keyring:
    return Keyring([data_key(current)] + ([data_key(old)] if old else []))


def keyring() -> Keyring:
    return _keyring(settings.FANGKONG_DATA_KEY, old_key_text())


def current_key() -> DataKey:
    return data_key(settings.FANGKONG_DATA_KEY)


def binding(model: type[models.Model], field: str, row_key: uuid.UUID | str | None) -> bytes:
    """Associated data naming the table, column and row a ciphertext belongs to."""
    if not row_key:
        raise ValueError(f"{model.__name__}.{field}: the row has no row_key to bind its ciphertext to")
    meta = model._meta
    return f"{meta.db_table}.{meta.get_field(field).column}#{uuid.UUID(str(row_key))}".encode()


def encrypt(plaintext: str, binding: bytes) -> str:
    return current_key().encrypt(plaintext, binding)


def decrypt(token: str, binding: bytes) -> str:
    return keyring().decrypt(token, binding)


def seal(row: models.Model, field: str, plaintext: str) -> str:
    """Ciphertext of `plaintext` for `row.<field>`; "" for an empty value."""
    return encrypt(plaintext, binding(type(row), field, row.row_key)) if plaintext else ""


def unseal(row: models.Model, field: str) -> str:
    """The plaintext of `row.<field>`; "" for an empty column."""
    token = getattr(row, field)
    return decrypt(token, binding(type(row), field, row.row_key)) if token else ""


def blind_index(kind: str, normalised: str) -> str:
    """Keyed hash for exact lookup; `kind` separates ID numbers from phones with equal digits."""
    return current_key().blind_index(kind, normalised)
