"""Door-to-door screening (入户排查): travel and contact history, rounds, visits and who was seen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import CommunityScopedQuerySet, ScopedQuerySet


class TravelRecord(models.Model):
    """Where a person has been, or whom they met: the raw material of the key-area flag."""

    class Contact(models.TextChoices):
        NONE = "", _("no known contact")
        CONFIRMED = "confirmed", _("contact with a confirmed case")
        SUSPECTED = "suspected", _("contact with a suspected case")

    class Source(models.TextChoices):
        VISIT = "visit", _("door-to-door visit")
        RETURNEE = "returnee", _("returnee report")
        OFFICE = "office", _("office")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("registry.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="travel_records")
    place = models.CharField(_("where"), max_length=64, blank=True)
    left_on = models.DateField(_("from"), null=True, blank=True)
    returned_on = models.DateField(_("to"), null=True, blank=True)
    transport = models.CharField(_("transport"), max_length=64, blank=True)
    contact = models.CharField(_("contact"), max_length=16, choices=Contact.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.OFFICE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("travel and contact record")
        verbose_name_plural = _("travel and contact records")
        ordering = ["-returned_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="travel_dates_ordered",
                condition=Q(left_on__isnull=True) | Q(returned_on__isnull=True)
                | Q(returned_on__gte=models.F("left_on")),
            ),
            models.CheckConstraint(name="travel_has_place_or_contact", condition=~Q(place="") | ~Q(contact="")),
        ]


class Round(models.Model):
    """A screening round: a scope (the community or some grids), a window, and the workers on it."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="screening_rounds")
    name = models.CharField(_("name"), max_length=64)
    # Empty: the whole community.
    grids = models.ManyToManyField("registry.Grid", blank=True, related_name="+", verbose_name=_("grids"))
    starts_on = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    workers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="screening_rounds",
                                     verbose_name=_("assigned workers"))
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(name="round_deadline_after_start", condition=Q(deadline__gte=models.F("starts_on"))),
        ]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """One call at a household's door. A household may be visited more than once in a round."""

    class Outcome(models.TextChoices):
        SEEN = "seen", _("seen")
        NOBODY_HOME = "nobody_home", _("nobody home")
        REFUSED = "refused", _("refused")

    class Handout(models.TextChoices):
        NOTICE = "notice", _("notice (告居民书)")
        LANTERN = "lantern", _("lantern")
        KNOWLEDGE = "knowledge", _("prevention knowledge explained")
        MASKS = "masks", _("masks")
        CONTACT_CARD = "contact_card", _("contact card")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="visits")
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    # The household's grid when visited: coverage per grid counts where the door was.
    grid = models.ForeignKey("registry.Grid", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="visits")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    handouts = models.JSONField(_("handed out or explained"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # Unique per worker: a retry replays the worker's own visit, and another's id, guessed or
    # replayed, neither returns nor swallows theirs.
    client_id = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["round", "household"])]
        constraints = [models.UniqueConstraint(fields=["worker", "client_id"], name="visit_client_id_once_per_user")]


class VisitPerson(models.Model):
    """A member found at a visit, with what was checked. `present=False` records who was away."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="visit_entries")
    present = models.BooleanField(_("present"), default=True)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    key_area_travel = models.BooleanField(_("key-area travel"), default=False)
    contact = models.CharField(_("contact"), max_length=16, choices=TravelRecord.Contact.choices, blank=True)
    returned_on = models.DateField(_("return date"), null=True, blank=True)
    added_on_spot = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("person at a visit")
        verbose_name_plural = _("people at visits")
        constraints = [models.UniqueConstraint(fields=["visit", "person"], name="visit_person_once")]
