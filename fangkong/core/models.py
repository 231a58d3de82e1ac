"""Shared model pieces: timestamps, and protected (encrypted + blind-indexed + masked) identifiers."""

from __future__ import annotations

import uuid

from django.db import models

from fangkong.core import crypto


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def row_key_field() -> models.UUIDField:
    """The random id a row's ciphertexts are bound to (fangkong/core/crypto.py): made in Python, so it is
    known before the insert, bulk inserts included, and never changes."""
    return models.UUIDField(default=uuid.uuid4, editable=False, unique=True)


_IDENTIFIER_FIELDS = {"id": "id_number_encrypted", "phone": "phone_encrypted"}


def protect(kind: str, value: str | None, model: type[models.Model],
            row_key: uuid.UUID) -> tuple[str, str | None, str]:
    """Return (ciphertext, blind index, masked) of a normalised identifier for the row `row_key` of `model`
    (its column `id_number_encrypted` or `phone_encrypted`), or empties for None."""
    from fangkong.core.identifiers import mask_id_number, mask_phone

    if not value:
        return "", None, ""
    masked = mask_id_number(value) if kind == "id" else mask_phone(value)
    sealed = crypto.encrypt(value, crypto.binding(model, _IDENTIFIER_FIELDS[kind], row_key))
    return sealed, crypto.blind_index(kind, value), masked


class ProtectedIdentifiers:
    """The clear ID number and phone of a row holding them protected (`protect`), opened on demand."""

    @property
    def id_number(self) -> str:
        return crypto.unseal(self, "id_number_encrypted")

    @property
    def phone(self) -> str:
        return crypto.unseal(self, "phone_encrypted")


class ScopedQuerySet(models.QuerySet):
    """Community data is read through `for_scope`; see fangkong/accounts/scope.py for the Scope type."""

    community_field = "community_id"
    grid_field: str | None = "grid_id"

    def for_scope(self, scope) -> ScopedQuerySet:
        if scope.is_all:
            return self
        q = models.Q(**{f"{self.community_field}__in": scope.community_ids})
        if self.grid_field and scope.grid_ids:
            q |= models.Q(**{f"{self.grid_field}__in": scope.grid_ids})
        elif not self.grid_field and scope.grid_ids:
            q |= models.Q(**{f"{self.community_field}__in": scope.grid_community_ids})
        return self.filter(q)


class CommunityScopedQuerySet(ScopedQuerySet):
    """For rows that belong to a community as a whole: a grid worker sees those of their grid's community."""

    grid_field = None
