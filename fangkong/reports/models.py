"""The daily report (日报告) of a community: one per community and day. The draft's figures are computed
from the data whenever it is read; submitting freezes them into a version. A correction is a new version
with a reason; every version stays. The street office reminds communities that have not submitted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyReport(models.Model):
    """The report of one community for one day: its typed fields while a draft, and where it stands."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0)  # the latest submitted version; 0 while never submitted
    # The first submission came after the deadline (a later correction does not change it).
    late = models.BooleanField(default=False)
    # The fields the system cannot know (cases as told by the CDC, problems), as typed for the next version.
    typed = models.JSONField(default=dict, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("daily report")
        ordering = ["-date", "community_id"]
        constraints = [models.UniqueConstraint(fields=["community", "date"], name="daily_report_unique")]
        indexes = [models.Index(fields=["date", "community"], name="daily_report_date_idx")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.date}"


class DailyReportVersion(models.Model):
    """A submitted version: the figures and typed fields as they stood, frozen."""

    report = models.ForeignKey(DailyReport, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    figures = models.JSONField(default=dict)
    typed = models.JSONField(default=dict)
    note = models.CharField(_("note"), max_length=500, blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    late = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("daily report version")
        ordering = ["report_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="daily_report_version_unique")]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version}"


class ReportReminder(models.Model):
    """The street office's reminder to a community that its report of a day is due or missing."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("report date"))
    message = models.CharField(_("message"), max_length=300, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        verbose_name = _("report reminder")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["community", "read_at"], name="report_reminder_open_idx")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.date}"
