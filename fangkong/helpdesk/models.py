"""Models of the helpdesk app: residents' requests, answered first (第一时间回复、处置、反馈)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import CommunityScopedQuerySet, ProtectedIdentifiers, row_key_field
from fangkong.core.rekey import Sealed


class Request(ProtectedIdentifiers, models.Model):
    """A resident's message, request, complaint or report: received → answered → handled → closed (fed back)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        CHAT = "chat", _("chat")
        IN_PERSON = "in_person", _("in person")
        PUBLIC = "public", _("public page")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("message")
        REQUEST = "request", _("request")
        COMPLAINT = "complaint", _("complaint")
        REPORT = "report", _("report")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ANSWERED = "answered", _("answered")
        HANDLED = "handled", _("handled")
        CLOSED = "closed", _("closed (fed back)")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REQUEST)
    text = models.TextField(_("text"), max_length=1000)
    row_key = row_key_field()
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # Computed at receipt from the policy in force (day or night target), so "overdue" is one SQL comparison.
    answer_due_at = models.DateTimeField(_("answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answer_text = models.TextField(_("answer"), blank=True, max_length=1000)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    handled_text = models.TextField(_("how it was handled"), blank=True, max_length=1000)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    outcome = models.TextField(_("outcome fed back"), blank=True, max_length=1000)
    # The private follow link of a request filed on the public page: only the keyed hash of its token is kept.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    SEALED = (Sealed("phone_encrypted"),)

    class Meta:
        verbose_name = _("resident's request")
        verbose_name_plural = _("residents' requests")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "-received_at"], name="helpdesk_req_comm_status"),
            models.Index(fields=["community", "answered_at", "answer_due_at"], name="helpdesk_req_due"),
        ]
