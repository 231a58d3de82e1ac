import base64
import hashlib
import os
import uuid

import pytest
from django.test import override_settings

from fangkong.core import crypto
from fangkong.core.rekey import LegacySource

ROW = uuid.uuid4()
PASSPHRASE = "another-key-entirely-different-0123456789"


def bound(column: str = "id_number_encrypted", row: uuid.UUID = ROW, table: str = "registry_person") -> bytes:
    return f"{table}.{column}#{row}".encode()


def test_encryption_round_trips_and_is_randomised():
    a, b = crypto.encrypt("11010519491231002X", bound()), crypto.encrypt("11010519491231002X", bound())
    assert a != b
    assert "11010519491231002X" not in a
    assert crypto.decrypt(a, bound()) == crypto.decrypt(b, bound()) == "11010519491231002X"


def test_a_ciphertext_opens_only_for_its_table_column_and_row():
    token = crypto.encrypt("11010519491231002X", bound())
    for elsewhere in (bound(row=uuid.uuid4()), bound(column="phone_encrypted"), bound(table="gates_visitor")):
        with pytest.raises(crypto.DecryptionError, match="does not belong to"):
            crypto.decrypt(token, elsewhere)


def test_the_ciphertext_names_its_format_and_key():
    token = crypto.encrypt("13812345678", bound())
    assert crypto.header(token) == (2, crypto.current_key().key_id)
    raw = bytearray(base64.b64decode(token))
    raw[1] ^= 1  # another key id
    with pytest.raises(crypto.DecryptionError, match="neither FANGKONG_DATA_KEY nor FANGKONG_DATA_KEY_OLD"):
        crypto.decrypt(base64.b64encode(raw).decode(), bound())


def test_format_1_is_not_read_by_the_application():
    legacy = base64.b64encode(b"\x01" + os.urandom(40)).decode()
    assert crypto.header(legacy) == (1, b"")
    with pytest.raises(crypto.DecryptionError, match="unknown ciphertext format"):
        crypto.decrypt(legacy, bound())


def test_blind_index_is_keyed_and_separates_kinds():
    h = crypto.blind_index("id", "11010519491231002X")
    assert h == crypto.blind_index("id", "11010519491231002X")
    assert h != crypto.blind_index("phone", "11010519491231002X")
    with override_settings(FANGKONG_DATA_KEY=PASSPHRASE):
        assert crypto.blind_index("id", "11010519491231002X") != h


def test_another_key_cannot_decrypt():
    token = crypto.encrypt("13812345678", bound())
    with override_settings(FANGKONG_DATA_KEY=PASSPHRASE), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, bound())


def test_the_old_key_opens_what_it_sealed_during_a_rotation(monkeypatch, settings):
    old_text = settings.FANGKONG_DATA_KEY
    token = crypto.encrypt("13812345678", bound())
    settings.FANGKONG_DATA_KEY = PASSPHRASE
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, bound())
    monkeypatch.setenv("FANGKONG_DATA_KEY_OLD", old_text)
    assert crypto.decrypt(token, bound()) == "13812345678"
    assert crypto.header(crypto.encrypt("x", bound()))[1] == crypto.data_key(PASSPHRASE).key_id  # seals with the new


def test_a_generated_key_is_used_as_it_is_and_a_passphrase_is_stretched_with_scrypt():
    raw = os.urandom(32)
    for text in (base64.urlsafe_b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
                 base64.b64encode(raw).decode()):
        assert crypto.master_key(text) == raw
    stretched = crypto.master_key(PASSPHRASE)
    assert stretched == crypto.master_key(PASSPHRASE)  # deterministic: the same key in every process
    assert stretched == hashlib.scrypt(PASSPHRASE.encode(), salt=crypto.SCRYPT_SALT, n=2**15, r=8, p=1,
                                       maxmem=64 * 1024 * 1024, dklen=32)
    assert stretched != hashlib.sha256(PASSPHRASE.encode()).digest()
    assert crypto.master_key("short") != hashlib.sha256(b"short").digest()
    # 24 bytes in base64 are not a key: a passphrase, stretched
    assert crypto.master_key(base64.b64encode(raw[:24]).decode()) != raw[:24]


def test_an_empty_key_is_refused():
    with pytest.raises(crypto.DataKeyError, match="empty"):
        crypto.master_key("")


def test_the_migrations_read_format_1_under_the_former_key_derivation():
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    for text in (base64.urlsafe_b64encode(os.urandom(32)).decode(), "short phrase"):
        master = hashlib.sha256(text.encode()).digest() if text == "short phrase" else base64.urlsafe_b64decode(text)
        nonce = os.urandom(12)
        legacy = base64.b64encode(b"\x01" + nonce + AESGCM(crypto.derive(master, b"encrypt")).encrypt(
            nonce, b"11010519491231002X", None)).decode()
        assert LegacySource(text).open(legacy, bound()) == "11010519491231002X"
    # A generated key keeps its blind index across the change of derivation; a passphrase's changes.
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    assert LegacySource(key).old_index("id", "1") == crypto.data_key(key).blind_index("id", "1")
    assert LegacySource("short phrase").old_index("id", "1") != crypto.data_key("short phrase").blind_index("id", "1")
