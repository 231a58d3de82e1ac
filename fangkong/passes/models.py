"""Passes bound to a person and a household, their signing keys, exit counters, bans and the
change feed that offline gate devices sync from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import CommunityScopedQuerySet, row_key_field
from fangkong.core.rekey import Sealed


class Pass(models.Model):
    class Kind(models.TextChoices):
        RESIDENT = "resident", _("resident pass")
        TEMPORARY = "temporary", _("temporary pass")
        SERVICE = "service", _("service pass (blue)")
        VEHICLE = "vehicle", _("vehicle pass")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        REVOKED = "revoked", _("revoked")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="passes")
    number = models.CharField(_("pass number"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="passes")
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="passes")
    plate = models.CharField(_("plate"), max_length=12, blank=True)
    # Empty: valid at every gate of the community.
    gates = models.ManyToManyField("gates.Gate", blank=True, related_name="passes")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        ordering = ["community_id", "number"]
        constraints = [
            models.CheckConstraint(name="pass_validity_ordered", condition=Q(valid_until__gte=models.F("valid_from"))),
            models.CheckConstraint(
                name="pass_revoked_has_reason",
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class SigningKey(models.Model):
    """An Ed25519 key for pass QR codes. The private half is encrypted with FANGKONG_DATA_KEY."""

    kid = models.PositiveSmallIntegerField(unique=True)
    public_key = models.BinaryField()
    row_key = row_key_field()
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    SEALED = (Sealed("private_key_encrypted"),)

    class Meta:
        ordering = ["-kid"]


class ExitCount(models.Model):
    """Exits allowed for a pass on one local calendar day: claimed by one conditional upsert."""

    # db_index=False: the unique (pass_ref, day) below serves lookups by pass.
    pass_ref = models.ForeignKey(Pass, on_delete=models.CASCADE, related_name="+", db_column="pass_id",
                                 db_index=False)
    day = models.DateField()
    exits = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pass_ref", "day"], name="exit_count_per_pass_day")]


class Ban(models.Model):
    """A person barred from a community's gates, by ID number (they may not be in the registry)."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="bans")
    id_number_hash = models.CharField(max_length=64, db_index=True)
    id_number_masked = models.CharField(max_length=24)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    # Only the blind index is kept: a key rotation translates it through the ID numbers it can read.
    INDEXED = (("id_number_hash", "id"),)

    class Meta:
        verbose_name = _("ban")


class SyncEvent(models.Model):
    """Monotonic feed of what offline gates must know: revocations, bans, suspensions (and lifts)."""

    class Kind(models.TextChoices):
        REVOKED = "revoked"
        SUSPENDED = "suspended"
        REACTIVATED = "reactivated"
        BANNED = "banned"
        UNBANNED = "unbanned"
        # Issued (or its gates set): the offline feed's incremental rows find new passes by it.
        CHANGED = "changed"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    pass_number = models.CharField(max_length=24, blank=True)
    pass_version = models.PositiveIntegerField(null=True)
    id_number_hash = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    INDEXED = (("id_number_hash", "id"),)

    class Meta:
        indexes = [models.Index(fields=["community", "id"])]
