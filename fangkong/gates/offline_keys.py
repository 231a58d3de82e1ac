"""The key an offline gate device hashes typed ID numbers with, and the hash itself.

The device must compare an ID card typed at the gate with the pass holder's, without holding anyone's ID
number. The feed gives it, per community and epoch, a key `id_key` and, per pass, `idh` = the first 12
bytes of HMAC-SHA256(id_key, normalised ID number), base64url without padding (16 characters). The
device hashes what is typed the same way and compares; its queue keeps only that hash.

`id_key` is derived on the server: HKDF of the blind-index key (itself derived from FANGKONG_DATA_KEY,
never the data key itself), then HMAC of the community id and the epoch. The epoch is the community's
local date and the data key's id ("2026-12-03.1a2b3c4d"): the key changes every day and with a data-key
rotation, so a lost device's hashes are good for one community and a day or two, and a 12-byte hash of
an 18-character ID number (about 10^9 plausible values a community) costs a guess per value, per day.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date
from functools import lru_cache

from fangkong.core import crypto
from fangkong.core.identifiers import normalise_id_number

IDH_BYTES = 12
_EPOCH = re.compile(r"^(\d{4}-\d{2}-\d{2})\.([0-9a-f]{8})$")


def epoch_for(day: date) -> str:
    return f"{day.isoformat()}.{crypto.current_key().key_id_hex}"


def _key_by_id(key_id_hex: str) -> crypto.DataKey | None:
    current = crypto.current_key()
    if current.key_id_hex == key_id_hex:
        return current
    old = crypto.old_key_text()
    if old and crypto.data_key(old).key_id_hex == key_id_hex:
        return crypto.data_key(old)
    return None


@lru_cache(maxsize=64)
def _id_key(index_key: bytes, community_id: int, epoch: str) -> bytes:
    base = crypto.derive(index_key, b"gate-device-id-hash")
    return hmac.new(base, f"{community_id}:{epoch}".encode(), hashlib.sha256).digest()


def id_key(community_id: int, epoch: str) -> bytes | None:
    """The key of `epoch` for the community; None for an epoch that is malformed or of a data key gone."""
    m = _EPOCH.match(epoch or "")
    if m is None:
        return None
    key = _key_by_id(m.group(2))
    return _id_key(key.index_key, community_id, epoch) if key else None


def id_hash(key: bytes, id_number: str) -> str:
    digest = hmac.new(key, normalise_id_number(id_number).encode(), hashlib.sha256).digest()[:IDH_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def id_hash_matches(*, community_id: int, epoch: str, idh: str, person_id: int) -> bool:
    """Whether `idh`, as a device hashed a typed ID number with the key of `epoch`, is the holder's."""
    from fangkong.registry.models import Person

    key = id_key(community_id, epoch)
    person = Person.objects.filter(pk=person_id).only("id", "row_key", "id_number_encrypted").first()
    if key is None or person is None:
        return False
    number = crypto.unseal(person, "id_number_encrypted")
    return bool(number) and hmac.compare_digest(id_hash(key, number), idh)
