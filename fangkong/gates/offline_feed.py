"""The offline gate's feed: what a device needs to decide a scan alone, and nothing more readable.

`GET /api/v1/gates/{code}/sync?since=&epoch=` (docs/offline-gate.md). Besides the change events and public
keys that older clients read, it carries the community's passes as rows of `PASS_FIELDS` (no name, no ID
number, no phone: a holder's ID number only as `idh`, a keyed hash of the day's epoch), the policy values
the rules read, the day's exits per pass, and the epoch's `id_key`.

Full or incremental: a device that holds nothing (since=0) or an older epoch (every day, or after a data-key
rotation: its `idh` values are of another key) gets every pass valid from yesterday on, any status (a
revoked pass must be refused as revoked, not unknown). Otherwise the passes named by the change events
since its version: issued, revoked, reissued, suspended, reactivated, their holder banned; the ones that
ended before yesterday come as `removed`.

Nothing here is cached across requests but the holders' hashes of an epoch, keyed by their ciphertext:
a revocation reaches the next sync as soon as it is committed.
"""

from __future__ import annotations

import base64
import gzip
from collections import OrderedDict
from datetime import date, timedelta
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from fangkong.core import crypto
from fangkong.gates.offline_keys import epoch_for, id_hash, id_key
from fangkong.gates.scanning import GateInfo
from fangkong.passes import keys
from fangkong.passes.models import Ban, ExitCount, Pass, SyncEvent
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.models import Person

PASS_FIELDS = ["id", "number", "kind", "status", "version", "valid_from", "valid_until", "gates", "banned", "idh"]
MAX_EVENTS = 5000
_COMPARISON = {">=": "gte", ">": "gt"}

# (community, epoch) → person id → (ciphertext, idh): a full feed decrypts each holder's ID number once an
# epoch per process, not once a sync. A changed ciphertext (a corrected ID number) is hashed again.
_hashes: OrderedDict[tuple[int, str], dict[int, tuple[str, str | None]]] = OrderedDict()


def _holder_hashes(community_id: int, epoch: str) -> dict[int, tuple[str, str | None]]:
    key = (community_id, epoch)
    if key not in _hashes:
        _hashes[key] = {}
        while len(_hashes) > 16:
            _hashes.popitem(last=False)
    _hashes.move_to_end(key)
    return _hashes[key]


def _idh(cache: dict, key: bytes, person_id: int, row_key: Any, token: str) -> str | None:
    if not token:
        return None
    hit = cache.get(person_id)
    if hit is not None and hit[0] == token:
        return hit[1]
    try:
        number = crypto.decrypt(token, crypto.binding(Person, "id_number_encrypted", row_key))
    except crypto.DecryptionError:
        number = ""
    value = id_hash(key, number) if number else None
    cache[person_id] = (token, value)
    return value


def feed_policy(community_id: int, day: date) -> dict[str, Any]:
    """The policy values the rules read, as in force for the community on `day`."""
    p = policy_values_cached(community_id=community_id, on=day)
    return {
        "exit_quota": {k: int(v) for k, v in (p["exit_quota"] or {}).items() if v is not None},
        "id_required": list(p["id_required"]), "fever_threshold": str(p["fever_threshold"]),
        "fever_comparison": _COMPARISON.get(p["fever_comparison"], p["fever_comparison"]),
        "offline_exit": p["offline_exit"], "offline_stale_minutes": int(p["offline_stale_minutes"]),
    }


def _pass_rows(gate: GateInfo, passes: list[tuple], epoch: str, key: bytes) -> list[list]:
    ids = {p[0] for p in passes}
    # The community's gate restrictions in one query (a list of thousands of ids costs more to send).
    restricted = Pass.gates.through.objects.filter(pass__community_id=gate.community_id)
    if len(ids) <= 500:
        restricted = restricted.filter(pass_id__in=ids)
    gates: dict[int, list[str]] = {}
    for pass_id, code in restricted.values_list("pass_id", "gate__code").order_by("pass_id", "gate__code"):
        if pass_id in ids:
            gates.setdefault(pass_id, []).append(code)
    banned = set(Ban.objects.filter(community_id=gate.community_id, lifted_at__isnull=True)
                 .values_list("id_number_hash", flat=True))
    cache = _holder_hashes(gate.community_id, epoch)
    rows = []
    for pk, number, kind, status, version, valid_from, valid_until, person_id, index, row_key, token in passes:
        rows.append([pk, number, kind, status, version, valid_from.isoformat(), valid_until.isoformat(),
                     gates.get(pk), bool(index) and index in banned, _idh(cache, key, person_id, row_key, token)])
    return rows


_COLUMNS = ("id", "number", "kind", "status", "version", "valid_from", "valid_until", "person_id",
            "person__id_number_hash", "person__row_key", "person__id_number_encrypted")


def gate_feed(*, gate: GateInfo, since: int, epoch: str | None) -> dict[str, Any]:
    """The feed for a device of `gate` holding version `since` of epoch `epoch` (the caller checked the
    actor may scan there)."""
    day = timezone.localdate()
    current = epoch_for(day)
    key = id_key(gate.community_id, current)
    full = since == 0 or epoch != current
    events = list(SyncEvent.objects.filter(community_id=gate.community_id, id__gt=since).order_by("id")[:MAX_EVENTS])
    # A full list is read after the events: a change committed meanwhile is in it and, its event being
    # after `version`, comes again in the next incremental feed (applying a row twice is harmless).
    version = events[-1].id if events else since
    keep_from = day - timedelta(days=1)
    qs = Pass.objects.filter(community_id=gate.community_id)
    removed: list[int] = []
    if full:
        passes = list(qs.filter(valid_until__gte=keep_from).order_by("id").values_list(*_COLUMNS))
    else:
        numbers = {e.pass_number for e in events if e.pass_number}
        hashes = {e.id_number_hash for e in events if e.id_number_hash and not e.pass_number}
        changed = list(qs.filter(number__in=numbers).values_list(*_COLUMNS)) if numbers else []
        if hashes:
            changed += list(qs.filter(person__id_number_hash__in=hashes).values_list(*_COLUMNS))
        seen: set[int] = set()
        passes = []
        for p in sorted(changed):
            if p[0] in seen:
                continue
            seen.add(p[0])
            (passes if p[6] >= keep_from else removed).append(p if p[6] >= keep_from else p[0])
    exits = dict(ExitCount.objects.filter(pass_ref__community_id=gate.community_id, day=day)
                 .values_list("pass_ref_id", "exits"))
    return {
        "version": version,
        "events": [{"seq": e.id, "kind": e.kind, "pass_number": e.pass_number, "pass_version": e.pass_version,
                    "id_number_hash": e.id_number_hash, "at": e.at} for e in events
                   if e.kind != SyncEvent.Kind.CHANGED],
        "keys": keys.public_keys_export(),
        "full": full, "epoch": current,
        "id_key": base64.b64encode(key).decode("ascii"),
        "pass_fields": PASS_FIELDS,
        "passes": _pass_rows(gate, passes, current, key),
        "removed": removed,
        "policy": feed_policy(gate.community_id, day),
        "day": day.isoformat(),
        "exits": {str(k): v for k, v in exits.items() if v},
        "server_time": timezone.localtime().isoformat(),
        "gate": {"code": gate.code, "kind": gate.kind},
    }


def gzipped(request, response: HttpResponse) -> HttpResponse:
    """The response gzip-compressed when the client takes it (browsers do): a full feed of 5,000 passes is
    a few hundred kilobytes of JSON and a fifth of that compressed. The API has no GZipMiddleware."""
    response["Vary"] = "Accept-Encoding"
    if "gzip" not in request.headers.get("Accept-Encoding", "") or len(response.content) < 512:
        return response
    response.content = gzip.compress(response.content, compresslevel=6)
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(response.content))
    return response
