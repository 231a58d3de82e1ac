"""Notices to residents (announcements, their postings) and messages sent through channels."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import CommunityScopedQuerySet


class Notice(models.Model):
    """An announcement written once: published on the community's public page and printable as a poster."""

    class Kind(models.TextChoices):
        KNOWLEDGE = "knowledge", _("prevention knowledge")
        POLICY = "policy", _("policy")
        PRACTICAL = "practical", _("practical news")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRACTICAL)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=4000)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        indexes = [models.Index(fields=["community", "published_at"], name="notice_community_published")]

    def __str__(self) -> str:
        return self.title


class Posting(models.Model):
    """Where a notice was put up or handed out: place, when, who, how many copies."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="postings")
    place = models.CharField(_("place"), max_length=120)
    posted_at = models.DateTimeField(_("when"))
    posted_by = models.CharField(_("by"), max_length=64)
    copies = models.PositiveIntegerField(_("copies"), default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("posting")
        ordering = ["-posted_at", "-id"]


class Channel(models.Model):
    """A way to reach residents: e-mail, or a group robot's webhook (WeCom, DingTalk) at a configured URL."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("group robot webhook")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64)
    url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="channel_name_per_community")]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    """One message to residents or a group: recorded before it is sent, so a failure is shown, never lost."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="messages")
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    text = models.TextField(_("text"), max_length=4000)
    recipients = models.JSONField(_("recipients"), default=list)  # e-mail addresses, or [webhook URL's host]
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(_("channel's answer"), max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_retry_due"),
            models.Index(fields=["community", "-id"], name="message_community_recent"),
        ]
