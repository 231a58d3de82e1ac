"""Ledgers out as Excel: the layout each community or street keeps for a ledger (title, columns, header
texts), and the exports made from them, with their file, its protection and its expiry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import row_key_field


class Ledger(models.TextChoices):
    RETURNEES = "returnees", _("Returnees register (返回湖北人员摸排登记台账)")
    KEY_AREA_INFLOW = "key_area_inflow", _("Key-area inflow screening (重点地区流入人员情况排查表)")
    DAILY_REPORT = "daily_report", _("Daily report roll-up (防控日报告表)")
    OBSERVATION = "observation", _("Medical observation register (医学观察登记表)")
    VISITORS = "visitors", _("Visitors and vehicles at the gates (外来人员车辆登记)")
    GATE_LOG = "gate_log", _("Gate log of a day (门岗出入记录)")


class LedgerLayout(models.Model):
    """A community's or a street's own layout of a ledger; without one the built-in default applies.
    `columns` is the ordered list of the columns shown: [{"key": ..., "header": ..., "group": ...}]."""

    ledger = models.CharField(_("ledger"), max_length=32, choices=Ledger.choices)
    street = models.ForeignKey("registry.Street", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey("registry.Community", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    title = models.CharField(_("title"), max_length=200)
    columns = models.JSONField(_("columns"), default=list)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ledger layout")
        constraints = [
            models.CheckConstraint(name="ledger_layout_one_level",
                                   condition=Q(street__isnull=False, community__isnull=True)
                                   | Q(street__isnull=True, community__isnull=False)),
            models.UniqueConstraint(fields=["ledger", "street"], name="ledger_layout_street_unique",
                                    condition=Q(street__isnull=False)),
            models.UniqueConstraint(fields=["ledger", "community"], name="ledger_layout_community_unique",
                                    condition=Q(community__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.ledger} {self.community_id or self.street_id}"


class Export(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    ledger = models.CharField(_("ledger"), max_length=32, choices=Ledger.choices)
    # A community's ledger, or the street's roll-up (daily_report): exactly one of the two.
    community = models.ForeignKey("registry.Community", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    street = models.ForeignKey("registry.Street", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    rows = models.PositiveIntegerField(default=0)
    masked = models.BooleanField(default=True)  # identifiers masked; an unmasked file is always encrypted
    encrypted = models.BooleanField(default=False)
    row_key = row_key_field()
    # The password, sealed for the worker that encrypts the file; emptied once the file is written.
    password_encrypted = models.TextField(blank=True)
    filename = models.CharField(max_length=200, blank=True)
    stored_path = models.CharField(max_length=400, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    via = models.CharField(max_length=16, default="web")  # web or api, for the audit entry

    class Meta:
        verbose_name = _("export")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(name="export_one_place",
                                   condition=Q(street__isnull=False, community__isnull=True)
                                   | Q(street__isnull=True, community__isnull=False)),
        ]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="export_user_idx")]

    def __str__(self) -> str:
        return f"{self.ledger} #{self.pk}"
