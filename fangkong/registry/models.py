"""Places (district → street → community → grid → building → household) and people."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core import crypto
from fangkong.core.models import (
    CommunityScopedQuerySet,
    ProtectedIdentifiers,
    ScopedQuerySet,
    TimeStamped,
    row_key_field,
)
from fangkong.core.rekey import Sealed


class District(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    city = models.CharField(_("city"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("district")

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets")
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("street")

    def __str__(self) -> str:
        return self.name


class CommunityQuerySet(models.QuerySet):
    def for_scope(self, scope) -> CommunityQuerySet:
        if scope.is_all:
            return self
        return self.filter(Q(id__in=scope.community_ids) | Q(id__in=scope.grid_community_ids))


class Community(models.Model):
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities")
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=64)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GridQuerySet(models.QuerySet):
    def for_scope(self, scope) -> GridQuerySet:
        if scope.is_all:
            return self
        return self.filter(Q(community_id__in=scope.community_ids) | Q(id__in=scope.grid_ids))


class Grid(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="grids")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=64)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid")
        ordering = ["community_id", "number"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="grid_number_unique")]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="buildings")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("building"), max_length=64)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        ordering = ["grid_id", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="building_name_unique")]

    def __str__(self) -> str:
        return self.name


class Household(TimeStamped):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="households")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="households")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="households")
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    room = models.CharField(_("room"), max_length=16)
    address = models.CharField(_("address"), max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        ordering = ["building_id", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="household_room_unique")
        ]

    def __str__(self) -> str:
        return self.address


class Tag(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)
    name_en = models.CharField(max_length=48)

    class Meta:
        verbose_name = _("tag")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(ScopedQuerySet):
    def by_id_number(self, number: str) -> PersonQuerySet:
        return self.filter(id_number_hash=crypto.blind_index("id", number))

    def by_phone(self, phone: str) -> PersonQuerySet:
        return self.filter(phone_hash=crypto.blind_index("phone", phone))


class Person(ProtectedIdentifiers, TimeStamped):
    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("resident ID card")
        HMT_PERMIT = "hmt_permit", _("residence permit (HK/Macau/Taiwan)")
        PASSPORT = "passport", _("passport")
        OTHER = "other", _("other document")

    class Category(models.TextChoices):
        REGISTERED = "registered", _("registered resident")
        UNREGISTERED = "unregistered", _("resident not registered here")
        FLOATING = "floating", _("floating population")
        TENANT = "tenant", _("tenant")

    # Where the person lives now; kept in step with the open Membership by the registry services,
    # because every scoped read filters on them.
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="people")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="current_members"
    )
    name = models.CharField(_("full name"), max_length=64, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_type = models.CharField(_("ID type"), max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID)
    row_key = row_key_field()
    id_number_encrypted = models.TextField(blank=True)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    id_number_masked = models.CharField(_("ID number"), max_length=24, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    category = models.CharField(_("residence category"), max_length=16, choices=Category.choices)
    workplace = models.CharField(_("workplace"), max_length=128, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    retain_until = models.DateField(_("retain until"), db_index=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    SEALED = (Sealed("id_number_encrypted", index="id_number_hash", kind="id"),
              Sealed("phone_encrypted", index="phone_hash", kind="phone"))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["community_id", "household_id", "id"]
        indexes = [models.Index(fields=["community", "grid", "category"])]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's belonging to a household over time; the open one (no `end_date`) is current."""

    class Relation(models.TextChoices):
        HEAD = "head", _("head of household")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        GRANDCHILD = "grandchild", _("grandchild")
        SIBLING = "sibling", _("sibling")
        RELATIVE = "relative", _("other relative")
        TENANT = "tenant", _("tenant")
        OTHER = "other", _("other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("household membership")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_open_membership_per_person"
            ),
            models.CheckConstraint(
                name="membership_dates_ordered",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]


class Tenancy(models.Model):
    """Landlord ↔ tenant: the landlord answers for the tenant's household (the seed's 490 outsiders)."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    landlord = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tenancies_as_landlord")
    tenant = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tenancies_as_tenant")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="tenancies")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    # Landlords are community business: a grid worker sees the tenancies of their grid's community.
    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        constraints = [
            models.CheckConstraint(name="tenancy_not_self", condition=~Q(landlord=models.F("tenant"))),
            models.UniqueConstraint(
                fields=["tenant"], condition=Q(end_date__isnull=True), name="one_open_tenancy_per_tenant"
            ),
        ]


class Merchant(models.Model):
    class Kind(models.TextChoices):
        VEGETABLES = "vegetables", _("vegetable shop")
        WATER = "water", _("water supplier")
        OTHER = "other", _("other")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="merchants")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=64, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("merchant")
        ordering = ["community_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """An uploaded registry file being validated and imported by a worker, with progress for the page."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("rejected: nothing imported")
        FAILED = "failed", _("failed: nothing imported")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200)
    stored_path = models.CharField(max_length=400)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=32, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Row-level problems: [{row, column, value, code, reason}] — `value` is masked for ID and phone.
    errors = models.JSONField(default=list)
    summary = models.JSONField(default=dict)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
