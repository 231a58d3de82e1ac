"""Disinfection and patrols: public areas on a schedule, their disinfection log, and patrols."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import CommunityScopedQuerySet


class Area(models.Model):
    """A public area disinfected on a schedule (every N hours or N days)."""

    class Kind(models.TextChoices):
        STAIRWELL = "stairwell", _("stairwell")
        LIFT = "lift", _("lift")
        BINS = "bins", _("bins")
        GATE = "gate", _("gate")
        SQUARE = "square", _("square")
        HILL_PATH = "hill_path", _("hill path")
        OTHER = "other", _("other")

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("registry.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    building = models.CharField(_("building"), max_length=40, blank=True)
    every = models.PositiveSmallIntegerField(_("every"), default=1)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.DAYS)
    # The schedule as a duration, stored so that "overdue" is one comparison in SQL.
    interval = models.DurationField(editable=False, default=timedelta(days=1))
    # Remembered for the one-tap form: the agent and dilution of the last disinfection.
    last_agent = models.CharField(max_length=60, blank=True)
    last_dilution = models.CharField(max_length=30, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("public area")
        ordering = ["community", "name"]
        indexes = [models.Index(fields=["community", "active"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        hours = self.every * (24 if self.unit == self.Unit.DAYS else 1)
        self.interval = timedelta(hours=hours)
        super().save(*args, **kwargs)


class Disinfection(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="disinfections")
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agent = models.CharField(_("agent"), max_length=60)
    dilution = models.CharField(_("dilution"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("disinfection")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["area", "at"]), models.Index(fields=["community", "at"])]


class Patrol(models.Model):
    class Kind(models.TextChoices):
        FIRE_WATCH = "fire_watch", _("hill fire watch (护林防火)")
        CLOSED_PATHS = "closed_paths", _("closed paths (严禁上山)")
        GATHERINGS = "gatherings", _("gatherings")
        OTHER = "other", _("other")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="patrols")
    route = models.CharField(_("route"), max_length=120, blank=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    findings = models.TextField(_("findings"), blank=True)
    people_turned_back = models.PositiveSmallIntegerField(_("people turned back"), default=0)
    fire_risk = models.BooleanField(_("fire risk found"), default=False)
    gathering_dispersed = models.BooleanField(_("gathering dispersed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["community", "started_at"])]
