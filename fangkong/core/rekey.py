"""Re-encrypting every row that holds a ciphertext or a blind index: `fangkong rotate-data-key`, and the
migrations that moved format-1 ciphertexts (no key id, no associated data) to format 2.

Core imports no domain app: a model says what it holds with two class attributes, found through
django.apps (migrations, whose historical models lack them, pass `Table`s of their own):

    SEALED = (Sealed("id_number_encrypted", index="id_number_hash", kind="id"), ...)
    INDEXED = (("id_number_hash", "id"),)   # a blind index kept without its ciphertext (bans, sync events)

Rows go by primary key in batches, one transaction each; a row whose ciphertexts already name the new
key is left alone, so a run that stops part-way is carried on by the next, and a second run changes
nothing. A blind index kept without its ciphertext cannot be recomputed from it: it is translated,
old index to new, through the plaintexts of every ciphertext of the same kind (an ID number banned at
a gate is found through the person, visitor or report that holds it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps as global_apps
from django.db import models, transaction

from fangkong.core import crypto

BATCH = 500

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Sealed:
    """A ciphertext column, and the blind index computed from the same plaintext if there is one."""

    field: str
    index: str | None = None
    kind: str = ""


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    sealed: tuple[Sealed, ...] = ()
    indexed: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label


def tables_from_apps() -> list[Table]:
    """Every installed model that declares SEALED or INDEXED; sealed ones first, as `reseal` needs."""
    tables = [Table(m, tuple(getattr(m, "SEALED", ())), tuple(getattr(m, "INDEXED", ())))
              for m in global_apps.get_models()]
    return sorted((t for t in tables if t.sealed or t.indexed), key=lambda t: (not t.sealed, t.label))


class Source(Protocol):
    """Opens what the rows hold now and computes the blind index they hold now."""

    def open(self, token: str, binding: bytes) -> str: ...

    def old_index(self, kind: str, normalised: str) -> str: ...


class KeySource:
    """A rotation: ciphertexts under the old key or, after an interrupted run, already under the new one."""

    def __init__(self, old: crypto.DataKey, new: crypto.DataKey):
        self._ring, self._old = crypto.Keyring([new, old]), old

    def open(self, token: str, binding: bytes) -> str:
        return self._ring.decrypt(token, binding)

    def old_index(self, kind: str, normalised: str) -> str:
        return self._old.blind_index(kind, normalised)


class LegacySource:
    """Format 1 under the key derivation before scrypt (a passphrase was hashed once with SHA-256). For the
    migrations only; format 2 rows (a migration run twice) open with the current keyring."""

    def __init__(self, key_text: str):
        try:
            master = base64.urlsafe_b64decode(key_text.encode() + b"=" * (-len(key_text) % 4))
        except (binascii.Error, ValueError):
            master = key_text.encode()
        if len(master) < 16:
            master = hashlib.sha256(key_text.encode()).digest()
        self._aead = AESGCM(crypto.derive(master, b"encrypt"))
        self._index_key = crypto.derive(master, b"blind-index")

    def open(self, token: str, binding: bytes) -> str:
        if crypto.header(token)[0] != 1:
            return crypto.keyring().decrypt(token, binding)
        raw = base64.b64decode(token)
        return self._aead.decrypt(raw[1:13], raw[13:], None).decode("utf-8")

    def old_index(self, kind: str, normalised: str) -> str:
        return hmac.new(self._index_key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


@dataclass
class Result:
    rows_changed: int = 0
    indexes_translated: int = 0
    # Blind indexes kept without a ciphertext whose plaintext no ciphertext holds: left as they were.
    unresolved: int = 0
    complete: bool = True
    per_table: dict[str, int] = field(default_factory=dict)


class RowError(ValueError):
    """A row whose ciphertext does not open: the run stops there and names it."""


def fill_row_keys(model: type[models.Model], batch: int = 2000) -> None:
    """Give every row without one a random row_key (a migration adding the column)."""
    while True:
        rows = list(model._base_manager.filter(row_key__isnull=True).only("pk")[:batch])
        if not rows:
            return
        for row in rows:
            row.row_key = uuid.uuid4()
        model._base_manager.bulk_update(rows, ["row_key"])


def _wanted_indexes(tables: Iterable[Table]) -> set[str]:
    """Blind indexes held without their ciphertext: to translate."""
    wanted: set[str] = set()
    for t in tables:
        manager = t.model._base_manager
        for s in t.sealed:
            if s.index:
                wanted.update(manager.filter(**{s.field: ""}).exclude(**{f"{s.index}__isnull": True})
                              .exclude(**{s.index: ""}).values_list(s.index, flat=True).distinct())
        for name, _kind in t.indexed:
            wanted.update(manager.exclude(**{f"{name}__isnull": True}).exclude(**{name: ""})
                          .values_list(name, flat=True).distinct())
    return wanted


def reseal(tables: Iterable[Table], *, source: Source, new: crypto.DataKey, batch: int = BATCH,
           progress: Progress | None = None, max_batches: int | None = None) -> Result:
    """Re-encrypt under `new` every ciphertext `source` opens and recompute or translate every blind index.
    `max_batches` stops early (result.complete is False), as an interruption would."""
    tables = list(tables)
    result = Result()
    wanted = _wanted_indexes(tables)
    translation: dict[str, str] = {}
    resolved: set[str] = set()
    batches = 0
    for t in tables:
        if not t.sealed:
            continue
        columns = ["pk", "row_key", *(s.field for s in t.sealed), *(s.index for s in t.sealed if s.index)]
        written = [s.field for s in t.sealed] + [s.index for s in t.sealed if s.index]
        manager = t.model._base_manager
        total, done, last = manager.count(), 0, None
        changed_here = 0
        while True:
            page = manager.order_by("pk").only(*columns[1:])
            rows = list((page.filter(pk__gt=last) if last is not None else page)[:batch])
            if not rows:
                break
            changed = [row for row in rows if _reseal_row(t, row, source, new, wanted, translation, resolved)]
            with transaction.atomic():
                if changed:
                    manager.bulk_update(changed, written)
            changed_here += len(changed)
            done, last = done + len(rows), rows[-1].pk
            batches += 1
            if progress:
                progress(t.label, done, total)
            if max_batches is not None and batches >= max_batches:
                result.rows_changed += changed_here
                result.per_table[t.label] = changed_here
                result.complete = False
                return result
        result.rows_changed += changed_here
        result.per_table[t.label] = changed_here
    result.indexes_translated = _translate(tables, translation)
    result.unresolved = len(wanted - resolved - set(translation))
    return result


def _reseal_row(t: Table, row: models.Model, source: Source, new: crypto.DataKey, wanted: set[str],
                translation: dict[str, str], resolved: set[str]) -> bool:
    dirty = False
    for s in t.sealed:
        token = getattr(row, s.field)
        if not token:
            continue
        bound = crypto.binding(t.model, s.field, row.row_key)
        current = crypto.header(token) == (crypto.VERSION, new.key_id)
        if current and not (s.index and wanted):
            continue
        try:
            plain = source.open(token, bound)
        except (crypto.DecryptionError, ValueError) as exc:
            raise RowError(f"{t.label} pk={row.pk} {s.field}: {exc}") from exc
        if not current:
            setattr(row, s.field, new.encrypt(plain, bound))
            dirty = True
        if s.index:
            fresh = new.blind_index(s.kind, plain)
            if getattr(row, s.index) != fresh:
                setattr(row, s.index, fresh)
                dirty = True
            if fresh in wanted:
                resolved.add(fresh)
            old = source.old_index(s.kind, plain)
            if old in wanted and old != fresh:
                translation[old] = fresh
    return dirty


def _translate(tables: list[Table], translation: dict[str, str]) -> int:
    count = 0
    if not translation:
        return 0
    with transaction.atomic():
        for t in tables:
            manager = t.model._base_manager
            names = [s.index for s in t.sealed if s.index] + [name for name, _kind in t.indexed]
            for name in names:
                only_bare = {s.field: "" for s in t.sealed if s.index == name}
                for old, fresh in translation.items():
                    count += manager.filter(**{name: old}, **only_bare).update(**{name: fresh})
    return count


def migrate_to_bound_ciphertexts(model: type[models.Model], sealed: tuple[Sealed, ...],
                                 readers: Iterable[Table] = (), indexed: tuple[tuple[str, str], ...] = ()) -> Result:
    """For the migrations that added row_key: give every row one, then re-encrypt its format-1 ciphertexts
    in format 2 bound to it. `readers` are tables already migrated whose plaintexts translate the blind
    indexes kept without a ciphertext (they differ only where the key was a passphrase, now stretched)."""
    from django.conf import settings

    fill_row_keys(model)
    result = reseal([Table(model, sealed, indexed), *readers], source=LegacySource(settings.FANGKONG_DATA_KEY),
                    new=crypto.current_key())
    if result.unresolved:
        print(f"\n  {model._meta.label}: {result.unresolved} blind indexes kept without a ciphertext could not be "
              "recomputed under the stretched key (no ciphertext holds their value)")
    return result


def rotate(*, old_text: str, new_text: str, batch: int = BATCH, progress: Progress | None = None,
           max_batches: int | None = None) -> Result:
    """Re-encrypt every sealed column of every installed model under `new_text` and recompute or translate
    every blind index: `fangkong rotate-data-key`. Safe to interrupt and to run again."""
    old, new = crypto.data_key(old_text), crypto.data_key(new_text)
    if old.key_id == new.key_id:
        raise crypto.DataKeyError("FANGKONG_DATA_KEY_OLD and FANGKONG_DATA_KEY are the same key: nothing to rotate")
    return reseal(tables_from_apps(), source=KeySource(old, new), new=new, batch=batch, progress=progress,
                  max_batches=max_batches)
