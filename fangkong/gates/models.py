"""Gates of a closed community (门岗检查点). Scans, roster and rules build on this."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import CommunityScopedQuerySet, ProtectedIdentifiers, row_key_field
from fangkong.core.rekey import Sealed


class Gate(models.Model):
    class Kind(models.TextChoices):
        PEDESTRIAN = "pedestrian", _("pedestrian")
        VEHICLE = "vehicle", _("vehicle")
        BOTH = "both", _("pedestrian and vehicle")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="gates")
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BOTH)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate")
        ordering = ["community_id", "code"]

    def __str__(self) -> str:
        return self.name


class Scan(models.Model):
    """Every scan, allowed or denied: the gate register (门岗出入登记) kept by the system."""

    class Direction(models.TextChoices):
        IN = "in", _("in")
        OUT = "out", _("out")

    class Decision(models.TextChoices):
        ALLOW = "allow", _("allow")
        DENY = "deny", _("deny")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    # Every scan writes every index of this table, so none is kept twice: (gate, -at) and
    # (pass_ref, -at) below serve lookups by gate and by pass, and the unique (guard, client_id) those
    # by guard; a unique constraint rather than unique=True, which on PostgreSQL adds a LIKE-pattern
    # twin nobody queries.
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="scans", db_index=False)
    pass_ref = models.ForeignKey("passes.Pass", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="scans", db_column="pass_id", db_index=False)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="scans")
    guard = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                              db_index=False)
    device = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(db_index=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    plate = models.CharField(max_length=12, blank=True)
    decision = models.CharField(max_length=5, choices=Decision.choices)
    reasons = models.JSONField(default=list)
    # The device's id of the scan, unique per user: a retry replays the user's own first answer, and
    # no one else's id, guessed or replayed, reaches another user's scan.
    client_id = models.CharField(max_length=64, null=True, blank=True)
    conflict = models.BooleanField(default=False)
    # What an offline device answered at the gate ("allow" | "deny"; empty: decided online or by an older
    # client) and its reasons: a conflict is a device's allow the server refuses (docs/offline-gate.md).
    device_decision = models.CharField(max_length=5, blank=True, default="")
    device_reasons = models.JSONField(default=list, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pass_ref", "-at"]), models.Index(fields=["gate", "-at"]),
                   # Offline scans by the device's time, for a day's figures to count them on their day
                   # (`scanned_at` when present, else `at`). Partial: an online scan adds no entry to it.
                   models.Index(fields=["community", "scanned_at"], name="scan_offline_by_day",
                                condition=models.Q(scanned_at__isnull=False))]
        constraints = [models.UniqueConstraint(fields=["guard", "client_id"], name="scan_client_id_once_per_user")]


class Shift(models.Model):
    """A duty shift at a gate (值班): a committee member leads (带班), staff or volunteers guard."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    leader = models.ForeignKey("workgroup.Member", on_delete=models.PROTECT, related_name="led_shifts")
    staff = models.ManyToManyField("accounts.User", blank=True, related_name="shifts")

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        ordering = ["gate_id", "starts_at"]
        constraints = [
            models.CheckConstraint(name="shift_ends_after_start", condition=models.Q(ends_at__gt=models.F("starts_at")))
        ]


class Visitor(ProtectedIdentifiers, models.Model):
    """An outsider without a pass, registered at the gate (外来人员登记)."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="visitors")
    guard = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    name = models.CharField(_("full name"), max_length=64)
    row_key = row_key_field()
    id_number_encrypted = models.TextField()
    id_number_hash = models.CharField(max_length=64, db_index=True)
    id_number_masked = models.CharField(max_length=24)
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(max_length=20, blank=True)
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    household_text = models.CharField(_("household visited"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    temperature = models.DecimalField(max_digits=3, decimal_places=1)
    plate = models.CharField(max_length=12, blank=True)
    decision = models.CharField(max_length=5, choices=Scan.Decision.choices)
    reasons = models.JSONField(default=list)

    objects = CommunityScopedQuerySet.as_manager()

    SEALED = (Sealed("id_number_encrypted", index="id_number_hash", kind="id"), Sealed("phone_encrypted"))

    class Meta:
        verbose_name = _("visitor")
        ordering = ["-at"]


class Incident(models.Model):
    class Kind(models.TextChoices):
        REFUSED_CHECK = "refused_check", _("refused the check")
        FORCED_ENTRY = "forced_entry", _("forced entry")
        ABUSE = "abuse", _("abuse of staff")
        FORGED_PASS = "forged_pass", _("forged pass")
        FEVER = "fever", _("fever")
        OTHER = "other", _("other")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="incidents")
    reported_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(db_index=True)
    kinds = models.JSONField(_("kinds"), default=list)
    description = models.TextField(_("description"), max_length=2000)
    passes = models.ManyToManyField("passes.Pass", blank=True, related_name="incidents")
    people = models.ManyToManyField("registry.Person", blank=True, related_name="incidents")
    revoked_passes = models.JSONField(default=list)
    banned = models.BooleanField(default=False)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        ordering = ["-at"]


class GateDevice(models.Model):
    """A gate console installed on a phone or tablet, as it last reported itself: for the office to see
    which devices are behind (old data, a long queue, an old app) before their scans are. One row per
    (guard, device id): a device id is made by the browser, so it names a device only with its user."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="devices")
    guard = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    device = models.CharField(max_length=64)
    app_version = models.CharField(max_length=64, blank=True)
    queue = models.PositiveIntegerField(default=0)
    offline_minutes = models.PositiveIntegerField(default=0)
    offline_day = models.DateField(null=True, blank=True)  # the community's day the minutes were reported on
    last_sync_at = models.DateTimeField(null=True, blank=True)
    epoch = models.CharField(max_length=32, blank=True)
    last_seen = models.DateTimeField()

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate device")
        ordering = ["gate_id", "-last_seen"]
        constraints = [models.UniqueConstraint(fields=["guard", "device"], name="gate_device_once_per_guard")]
