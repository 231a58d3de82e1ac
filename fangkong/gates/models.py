"""Gates of a closed community (门岗检查点). Scans, roster and rules build on this."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import CommunityScopedQuerySet


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
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="scans")
    pass_ref = models.ForeignKey("passes.Pass", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="scans", db_column="pass_id")
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="scans")
    guard = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    device = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(db_index=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    plate = models.CharField(max_length=12, blank=True)
    decision = models.CharField(max_length=5, choices=Decision.choices)
    reasons = models.JSONField(default=list)
    client_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    conflict = models.BooleanField(default=False)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pass_ref", "-at"]), models.Index(fields=["gate", "-at"])]
