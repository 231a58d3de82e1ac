"""Signed pass QR codes: forged, truncated, altered or re-signed payloads never verify."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.passes import signing

KEY = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()
PUBLIC = {7: KEY.public_key().public_bytes_raw()}

claims = st.builds(
    signing.PassClaim,
    kid=st.just(7),
    pass_id=st.integers(1, 2**32 - 1),
    version=st.integers(1, 2**16 - 1),
    valid_from=st.dates(date(2000, 1, 1), date(2150, 1, 1)),
    valid_until=st.dates(date(2000, 1, 1), date(2150, 1, 1)),
    community_id=st.integers(1, 2**32 - 1),
)


@given(claims)
def test_round_trip(claim):
    text = signing.encode(claim, KEY)
    assert len(text) == 111
    assert signing.decode(text, PUBLIC) == claim


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/="


@given(claims, st.integers(0, 110), st.sampled_from(ALPHABET))
def test_any_altered_character_is_rejected(claim, pos, ch):
    text = signing.encode(claim, KEY)
    altered = text[:pos] + ch + text[pos + 1:]
    if altered == text:
        return
    with pytest.raises(signing.BadSignature):
        signing.decode(altered, PUBLIC)


@given(claims, st.integers(0, 110))
def test_truncated_or_extended_is_rejected(claim, cut):
    text = signing.encode(claim, KEY)
    for bad in (text[:cut], text + "A", text + text[cut:]):
        with pytest.raises(signing.BadSignature):
            signing.decode(bad, PUBLIC)


@given(claims)
def test_signed_with_another_key_under_our_key_id_is_rejected(claim):
    with pytest.raises(signing.BadSignature):
        signing.decode(signing.encode(claim, OTHER), PUBLIC)


@given(claims, st.integers(0, 16), st.integers(1, 255))
def test_a_flipped_payload_byte_with_the_old_signature_is_rejected(claim, index, flip):
    raw = bytearray(base64.urlsafe_b64decode(signing.encode(claim, KEY)[3:]))
    raw[index] ^= flip
    forged = "FK1" + base64.urlsafe_b64encode(bytes(raw)).decode()
    with pytest.raises(signing.BadSignature):
        signing.decode(forged, PUBLIC)


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_arbitrary_text_never_verifies_or_crashes(text):
    with pytest.raises(signing.BadSignature):
        signing.decode(text, PUBLIC)


def test_unknown_or_retired_key_id_is_rejected():
    claim = signing.PassClaim(8, 1, 1, date(2020, 1, 1), date(2020, 2, 1), 1)
    with pytest.raises(signing.BadSignature):
        signing.decode(signing.encode(claim, KEY), PUBLIC)


def test_rotation_keeps_old_keys_until_retired(db):
    from fangkong.passes import keys

    first = keys.key_rotate()
    kid1, private1 = keys.current_signing_key()
    old_card = signing.encode(signing.PassClaim(kid1, 1, 1, date(2020, 1, 1), date(2030, 1, 1), 1), private1)
    second = keys.key_rotate()
    kid2, _ = keys.current_signing_key()
    assert (kid1, kid2) == (first.kid, second.kid)
    assert signing.decode(old_card, keys.public_keys()).pass_id == 1
    keys.key_retire(kid=kid1)
    with pytest.raises(signing.BadSignature):
        signing.decode(old_card, keys.public_keys())
