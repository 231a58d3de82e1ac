"""Models of the supplies app: items, places, the stock kept per item and place, the ledger of movements,
and donations (goods go into stock as "in" movements; help in kind is text)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CommunityScoped(models.QuerySet):
    def for_scope(self, scope):
        if scope.is_all:
            return self
        return self.filter(community_id__in=scope.visible_community_ids)


class Item(models.Model):
    """A kind of supply, shared by the district; seeded by a data migration."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    unit = models.CharField(_("unit"), max_length=16)
    default_low = models.PositiveIntegerField(_("default low-stock threshold"), default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("supply item")

    def __str__(self) -> str:
        return self.name


class Threshold(models.Model):
    """A community's own low-stock threshold for an item (otherwise the item's default)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    low = models.PositiveIntegerField(_("low-stock threshold"))

    objects = CommunityScoped.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "item"], name="supplies_threshold_unique")]


class Place(models.Model):
    class Kind(models.TextChoices):
        STORE = "store", _("store")
        GATE = "gate", _("gate")
        SITE = "site", _("site")
        OTHER = "other", _("other")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("name"), max_length=64)

    objects = CommunityScoped.as_manager()

    class Meta:
        ordering = ["community_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="supplies_place_name_unique"),
            # One store per community: the default place of every movement.
            models.UniqueConstraint(fields=["community"], condition=Q(kind="store"), name="supplies_one_store"),
        ]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """The current quantity of an item at a place; changed only with its movement, in one transaction."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="stocks")
    quantity = models.PositiveIntegerField(_("quantity"), default=0)

    objects = CommunityScoped.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "place"], name="supplies_stock_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="supplies_stock_not_negative"),
        ]
        indexes = [models.Index(fields=["community", "item"])]


class Movement(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("in")
        OUT = "out", _("out")

    class Reason(models.TextChoices):
        PURCHASE = "purchase", _("purchase")
        ALLOCATION = "allocation", _("allocation from above")
        DONATION = "donation", _("donation")
        GATE = "gate", _("issued to a gate")
        WORKER = "worker", _("issued to a worker")
        SITE = "site", _("issued to a site")
        USED = "used", _("used up")

    IN_REASONS = (Reason.PURCHASE, Reason.ALLOCATION, Reason.DONATION)
    OUT_REASONS = (Reason.GATE, Reason.WORKER, Reason.SITE, Reason.USED)

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    stock_after = models.PositiveIntegerField(_("stock after"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    donation = models.ForeignKey("Donation", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="movements")

    objects = CommunityScoped.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["community", "-id"]), models.Index(fields=["community", "item", "-id"])]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="supplies_movement_positive")]


class Donation(models.Model):
    class DonorKind(models.TextChoices):
        RESIDENT = "resident", _("registered resident")
        PERSON = "person", _("person not registered")
        ORGANISATION = "organisation", _("organisation")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    donor_kind = models.CharField(_("donor kind"), max_length=12, choices=DonorKind.choices)
    donor_name = models.CharField(_("donor"), max_length=64)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    in_kind = models.CharField(_("help in kind"), max_length=200, blank=True)
    day = models.DateField(_("date"))
    receiver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    public_thanks = models.BooleanField(_("agrees to be thanked by name"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommunityScoped.as_manager()

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["community", "-day", "-id"]),
                   models.Index(fields=["community", "public_thanks"])]


class DonationLine(models.Model):
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
