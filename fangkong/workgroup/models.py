"""A community's prevention working group (防控工作组), its members and household liaisons (包联到户)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import CommunityScopedQuerySet, ScopedQuerySet


class WorkingGroup(models.Model):
    community = models.OneToOneField("registry.Community", on_delete=models.CASCADE, related_name="working_group")
    name = models.CharField(_("name"), max_length=64)
    established = models.DateField(_("established"))

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group")

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    class Position(models.TextChoices):
        SECRETARY = "secretary", _("Party secretary (group leader)")
        DIRECTOR = "director", _("Director (deputy leader)")
        COMMITTEE = "committee", _("Committee member")
        OFFICE = "office", _("Office staff")
        GRID_WORKER = "grid_worker", _("Grid worker")
        SAFETY = "safety", _("Safety inspector")
        VOLUNTEER = "volunteer", _("Volunteer")

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(_("full name"), max_length=64)
    position = models.CharField(_("position"), max_length=16, choices=Position.choices)
    duties = models.CharField(_("duties"), max_length=200, blank=True)
    reports_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    grid = models.ForeignKey("registry.Grid", null=True, blank=True, on_delete=models.SET_NULL)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group member")
        ordering = ["group_id", "order", "id"]

    def __str__(self) -> str:
        return self.name


class HouseholdLiaison(models.Model):
    """The cadre responsible for one household: "responsibility to a person, each household linked"."""

    household = models.OneToOneField("registry.Household", on_delete=models.CASCADE, related_name="liaison")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="liaison_households")
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey("registry.Grid", on_delete=models.CASCADE, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household liaison")
