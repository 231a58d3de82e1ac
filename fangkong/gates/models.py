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
