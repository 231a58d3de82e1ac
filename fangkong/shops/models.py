"""Models of the shops app: merchant profiles and staff, inspections with item prices, price alerts.

The merchant itself is registry.Merchant (community, kind, name, address, contact); a profile adds the
owner, the opening state and the shops-level category (pharmacy and supermarket are not registry kinds).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import ProtectedIdentifiers, row_key_field


class Category(models.TextChoices):
    VEGETABLES = "vegetables", _("vegetable shop")
    WATER = "water", _("water supplier")
    PHARMACY = "pharmacy", _("pharmacy")
    SUPERMARKET = "supermarket", _("supermarket")
    OTHER = "other", _("other")


# Merchants whose staff deliver into the community and get service (blue) passes.
SERVICE_CATEGORIES = frozenset({Category.WATER, Category.OTHER})


class MerchantProfile(ProtectedIdentifiers, models.Model):
    class Opening(models.TextChoices):
        OPEN = "open", _("open")
        LIMITED = "limited", _("limited hours")
        CLOSED = "closed", _("closed")

    merchant = models.OneToOneField("registry.Merchant", on_delete=models.CASCADE, related_name="profile")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, db_index=True)
    owner_name = models.CharField(_("owner"), max_length=64, blank=True)
    row_key = row_key_field()
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(_("owner phone"), max_length=20, blank=True)
    opening = models.CharField(_("opening state"), max_length=8, choices=Opening.choices, default=Opening.OPEN)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("merchant profile")


class MerchantStaff(models.Model):
    merchant = models.ForeignKey("registry.Merchant", on_delete=models.CASCADE, related_name="staff")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("merchant staff")
        constraints = [models.UniqueConstraint(fields=["merchant", "person"], name="shops_staff_once")]


class Inspection(models.Model):
    class Stock(models.TextChoices):
        ENOUGH = "enough", _("enough")
        LOW = "low", _("low")
        OUT = "out", _("out of stock")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey("registry.Merchant", on_delete=models.PROTECT, related_name="inspections")
    day = models.DateField(_("date"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("inspectors"))
    stock = models.CharField(_("stock level"), max_length=8, choices=Stock.choices, default=Stock.ENOUGH)
    hygiene_ok = models.BooleanField(_("hygiene in order"), default=True)
    protection_ok = models.BooleanField(_("protection in order (masks, distance, disinfection)"), default=True)
    findings = models.TextField(_("findings"), blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["merchant", "day"]), models.Index(fields=["community", "day"])]


class ItemPrice(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="prices")
    # Denormalised from the inspection so that a price history is one indexed query.
    merchant = models.ForeignKey("registry.Merchant", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    item = models.CharField(_("item"), max_length=32)
    unit = models.CharField(_("unit"), max_length=16)
    price = models.DecimalField(_("price"), max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = _("item price")
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["merchant", "item", "unit", "day"])]


class PriceAlert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        CLOSED = "closed", _("closed")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey("registry.Merchant", on_delete=models.PROTECT, related_name="price_alerts")
    price = models.OneToOneField(ItemPrice, on_delete=models.CASCADE, related_name="alert")
    item = models.CharField(_("item"), max_length=32)
    unit = models.CharField(_("unit"), max_length=16)
    baseline = models.DecimalField(_("baseline"), max_digits=9, decimal_places=2)
    observed = models.DecimalField(_("price"), max_digits=9, decimal_places=2)
    percent = models.DecimalField(_("rise %"), max_digits=7, decimal_places=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(_("action taken"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("price alert")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["community", "status"])]
