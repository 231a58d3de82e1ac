"""Volunteers of a community: the public sign-up, the office's vetting, and the tasks they are given.
Gate shifts live in fangkong.gates (Shift.staff holds the volunteer's login)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import CommunityScopedQuerySet, ProtectedIdentifiers, row_key_field
from fangkong.core.rekey import Sealed


class Skill(models.TextChoices):
    GATE = "gate", _("gate duty")
    MEDICAL = "medical", _("medical")
    DELIVERY = "delivery", _("delivery")
    DRIVING = "driving", _("driving")
    DISINFECTION = "disinfection", _("disinfection")
    IT = "it", _("computers and phones")
    TRANSLATION = "translation", _("languages")
    OTHER = "other", _("other")


class VolunteerQuerySet(CommunityScopedQuerySet):
    pass


class Volunteer(ProtectedIdentifiers, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting vetting")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("full name"), max_length=64)
    row_key = row_key_field()
    id_number_encrypted = models.TextField(blank=True)
    id_number_hash = models.CharField(max_length=64)
    id_number_masked = models.CharField(_("ID number"), max_length=24)
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64)
    phone_masked = models.CharField(_("phone"), max_length=20)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    skills_text = models.CharField(_("other skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    party_member = models.BooleanField(_("party member"), default=False)
    veteran = models.BooleanField(_("veteran"), default=False)
    resident_representative = models.BooleanField(_("resident representative"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    vetted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    vetted_at = models.DateTimeField(null=True, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="volunteer")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VolunteerQuerySet.as_manager()

    SEALED = (Sealed("id_number_encrypted", index="id_number_hash", kind="id"),
              Sealed("phone_encrypted", index="phone_hash", kind="phone"))

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["community_id", "id"]
        constraints = [
            # One sign-up per person and community: the blind index of the ID number decides.
            models.UniqueConstraint(fields=["community", "id_number_hash"], name="volunteer_once_per_community"),
        ]
        indexes = [models.Index(fields=["community", "status", "id"])]

    def __str__(self) -> str:
        return self.name


class VolunteerTask(models.Model):
    """A task given to an accepted volunteer (deliveries, a disinfection round...); done tasks count hours."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=120)
    when = models.DateTimeField(_("when"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    done = models.BooleanField(_("done"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        ordering = ["volunteer_id", "-when"]
        constraints = [models.CheckConstraint(name="volunteer_task_hours_positive",
                                              condition=models.Q(hours__gt=0))]
        indexes = [models.Index(fields=["volunteer", "done"])]
