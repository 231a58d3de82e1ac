"""Lists the street pushes down for checking (上级下发 / 大数据 lists): one upload, its rows each routed to
the community where the person is registered or the address lies, and the community's outcome per row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import ProtectedIdentifiers, row_key_field


class VerificationList(models.Model):
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    batch = models.CharField(_("batch"), max_length=64)
    filename = models.CharField(_("file"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    rows = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("pushed-down list")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["street", "-uploaded_at"], name="verif_list_street_idx")]

    def __str__(self) -> str:
        return f"{self.batch} ({self.filename})"


class VerificationRow(ProtectedIdentifiers, models.Model):
    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("checked (已排查)")
        INFO_WRONG = "info_wrong", _("information wrong (信息有误)")
        MISSED = "missed", _("missed, now registered and screened (漏排)")
        NOT_HERE = "not_here", _("does not live here (不在本地居住)")
        OUTSIDE_WINDOW = "outside_window", _("outside the screening window (超过排查期)")

    class Route(models.TextChoices):
        ID_NUMBER = "id_number", _("registered person")
        ADDRESS = "address", _("address")
        NONE = "none", _("not matched")

    vlist = models.ForeignKey(VerificationList, on_delete=models.CASCADE, related_name="entries")
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("row"))  # 1-based, the order of the data rows in the file
    received_at = models.DateTimeField()  # the list's upload time, kept on the row for the daily counts
    community = models.ForeignKey("registry.Community", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    routed_by = models.CharField(max_length=16, choices=Route.choices, default=Route.NONE)
    # Unmatched because the person is registered in another street: the list is not routed outside the
    # uploader's street, and the street office is told why the row stayed with it.
    registered_elsewhere = models.BooleanField(default=False)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    row_key = row_key_field()
    name = models.CharField(_("full name"), max_length=64)
    id_number_encrypted = models.TextField(blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=24, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=64, blank=True)
    batch = models.CharField(_("batch"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pushed-down list row")
        ordering = ["vlist_id", "number"]
        constraints = [models.UniqueConstraint(fields=["vlist", "number"], name="verif_row_number_unique")]
        indexes = [
            models.Index(fields=["community", "outcome"], name="verif_row_community_idx"),
            models.Index(fields=["street", "community"], name="verif_row_street_idx"),
            models.Index(fields=["community", "outcome_at"], name="verif_row_checked_idx"),
            models.Index(fields=["community", "received_at"], name="verif_row_received_idx"),
            models.Index(fields=["vlist", "community", "number"], name="verif_row_list_community_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.vlist_id}#{self.number}"
