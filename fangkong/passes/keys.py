"""Signing keys: one current key signs; every key not retired verifies. Rotation adds a key and
keeps the old one verifying until it is retired, so printed cards stay good meanwhile."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fangkong.core import crypto
from fangkong.core.localcache import TTLCache
from fangkong.core.shared_state import bump_on_commit
from fangkong.passes.models import SigningKey

# Cached 30 s per process; a rotation or retirement bumps the `keys` generation (core/shared_state.py),
# so every server stops verifying a retired key within about a second with Redis (else within the 30 s).
_public: TTLCache[dict[int, bytes]] = TTLCache(30.0, generation="keys")
_private: TTLCache[tuple[int, Ed25519PrivateKey]] = TTLCache(30.0, generation="keys")


def _invalidate() -> None:
    _public.clear()
    _private.clear()
    bump_on_commit("keys")


@transaction.atomic
def key_rotate() -> SigningKey:
    """Make a new current key (the highest kid); older keys keep verifying until retired."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
    raw_public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = (SigningKey.objects.aggregate(m=Max("kid"))["m"] or 0) + 1
    key = SigningKey(kid=kid, public_key=raw_public)
    key.private_key_encrypted = crypto.seal(key, "private_key_encrypted", base64.b64encode(raw_private).decode())
    key.save(force_insert=True)
    _invalidate()
    return key


def key_retire(*, kid: int) -> None:
    SigningKey.objects.filter(kid=kid, retired_at__isnull=True).update(retired_at=timezone.now())
    _invalidate()


def current_signing_key() -> tuple[int, Ed25519PrivateKey]:
    def load() -> tuple[int, Ed25519PrivateKey]:
        key = SigningKey.objects.filter(retired_at__isnull=True).order_by("-kid").first() or key_rotate()
        raw = base64.b64decode(crypto.unseal(key, "private_key_encrypted"))
        return key.kid, Ed25519PrivateKey.from_private_bytes(raw)

    return _private.get_or_set("current", load)


def public_keys() -> dict[int, bytes]:
    """Raw public keys in service, cached per process (a retirement reaches other processes as `_public` says)."""
    return _public.get_or_set("all", lambda: {
        k.kid: bytes(k.public_key) for k in SigningKey.objects.filter(retired_at__isnull=True)
    })


def public_keys_export() -> list[dict]:
    return [{"kid": kid, "public_key": base64.b64encode(raw).decode()} for kid, raw in sorted(public_keys().items())]
