"""The working group's meetings: the twice-daily briefings (一日两会) generated from what happened since the
previous one, other meetings with agenda and attendance, the action items they decide, and the community's
plans (工作方案, 应急预案) kept in versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Briefing(models.Model):
    class Kind(models.TextChoices):
        MORNING = "morning", _("morning briefing")
        EVENING = "evening", _("evening briefing")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    facts = models.JSONField(default=dict)  # what happened in the period, as generated (meetings.facts)
    facts_at = models.DateTimeField()  # when the facts were computed (again, while the period runs)
    minutes = models.TextField(_("minutes"), max_length=10000, blank=True)
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    minutes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("briefing")
        ordering = ["-date", "community_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["community", "date", "kind"], name="briefing_unique")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.date} {self.kind}"


class Meeting(models.Model):
    """A meeting other than the daily briefings: the working group's deployment meeting, the landlords'
    mobilisation meeting (房东防疫动员大会), any other."""

    class Kind(models.TextChoices):
        DEPLOYMENT = "deployment", _("working group deployment meeting")
        LANDLORDS = "landlords", _("landlords' mobilisation meeting")
        OTHER = "other", _("other meeting")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("held at"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), max_length=5000, blank=True)
    decisions = models.TextField(_("decisions"), max_length=10000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=10000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["community", "-held_at"], name="meeting_community_idx")]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Who was asked to a meeting and whether they came: a registered person (a landlord) or a member of
    the working group, by name as well so the list reads after a purge."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey("workgroup.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("full name"), max_length=64)
    present = models.BooleanField(_("present"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)  # an absent landlord reached afterwards
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")

    class Meta:
        verbose_name = _("attendance")
        ordering = ["meeting_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_person_unique",
                                    condition=Q(person__isnull=False)),
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_member_unique",
                                    condition=Q(member__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name


class ActionItem(models.Model):
    """Something decided at a briefing or a meeting: who does it, by when, done or not."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    briefing = models.ForeignKey(Briefing, null=True, blank=True, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="action_items", verbose_name=_("owner"))
    due = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        ordering = ["done", "due", "id"]
        indexes = [models.Index(fields=["community", "done", "due"], name="action_open_idx")]

    def __str__(self) -> str:
        return self.text


class Plan(models.Model):
    """A community's working plan or emergency plan (工作方案, 应急预案): the document, kept in versions."""

    class Kind(models.TextChoices):
        WORK = "work", _("working plan (工作方案)")
        EMERGENCY = "emergency", _("emergency plan (应急预案)")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("plan")
        constraints = [models.UniqueConstraint(fields=["community", "kind"], name="plan_unique")]

    def __str__(self) -> str:
        return self.title


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    body = models.TextField(_("text"), max_length=100000)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        ordering = ["plan_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version}"
