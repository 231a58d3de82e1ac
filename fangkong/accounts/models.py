from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.VOLUNTEER)
    display_name = models.CharField(_("display name"), max_length=64, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class ScopeGrant(models.Model):
    """One unit of a user's scope: a whole street (its communities), one community, or one grid."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scope_grants")
    street = models.ForeignKey("registry.Street", null=True, blank=True, on_delete=models.CASCADE)
    community = models.ForeignKey("registry.Community", null=True, blank=True, on_delete=models.CASCADE)
    grid = models.ForeignKey("registry.Grid", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("scope grant")
        constraints = [
            models.CheckConstraint(
                name="scope_grant_exactly_one_place",
                condition=(
                    Q(street__isnull=False, community__isnull=True, grid__isnull=True)
                    | Q(street__isnull=True, community__isnull=False, grid__isnull=True)
                    | Q(street__isnull=True, community__isnull=True, grid__isnull=False)
                ),
            )
        ]


class ApiToken(models.Model):
    """Bearer token for gate devices and scripts. Only its SHA-256 is kept (the token is 256 random bits, so
    no key or stretching is needed), found by one indexed lookup; it is shown once, when made. The first
    characters are kept to tell tokens apart in lists."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64, default="default")
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class AuditEntry(models.Model):
    """Who did what to which object and which fields — never the values."""

    class Action(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        REVEAL = "reveal", _("reveal")
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")
        PURGE = "purge", _("purge")
        # An exact search by a full ID number or phone: `fields` names which, `count` the hits (0 = a miss).
        SEARCH = "search", _("identifier search")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    community = models.ForeignKey("registry.Community", null=True, blank=True, on_delete=models.SET_NULL)
    fields = models.JSONField(default=list)
    count = models.PositiveIntegerField(default=1)
    via = models.CharField(max_length=16, default="web")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The identifier-search miss budget counts one actor's recent misses.
            models.Index(fields=["actor", "action", "at"], name="audit_actor_action_at"),
        ]


class SecurityAlert(models.Model):
    """Something administrators must look at: a user blocked from identifier searches after too many
    misses (someone testing candidate ID numbers or phones). Holds who and when, never a searched value."""

    class Kind(models.TextChoices):
        SEARCH_BLOCKED = "search_blocked", _("Identifier searches blocked after too many misses")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_alerts")
    raised_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("security alert")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["closed_at", "raised_at"], name="security_alert_open")]
