"""Returnees and medical observation (医学观察): reports from landlords, observations, follow-ups, alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core import crypto
from fangkong.core.models import CommunityScopedQuerySet, ProtectedIdentifiers, ScopedQuerySet, row_key_field
from fangkong.core.rekey import Sealed


class ReportLink(models.Model):
    """A personal link (and its QR) that lets someone without an account report: a landlord reports
    tenants' returns, a resident reports their own return, a person under observation their temperature."""

    class Kind(models.TextChoices):
        LANDLORD = "landlord", _("landlord: reports tenants' returns")
        RESIDENT = "resident", _("resident: reports their own return")
        FOLLOWUP = "followup", _("person under observation: self-reported follow-ups")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="report_links")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The token is looked up by its keyed hash and kept encrypted so the office can print its QR again.
    token_hash = models.CharField(max_length=64, unique=True)
    row_key = row_key_field()
    token_encrypted = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    SEALED = (Sealed("token_encrypted", index="token_hash", kind="link"),)

    class Meta:
        verbose_name = _("report link")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], condition=Q(revoked_at__isnull=True),
                                    name="one_live_link_per_person_and_kind"),
        ]

    @property
    def token(self) -> str:
        return crypto.unseal(self, "token_encrypted")


class ReturneeReport(ProtectedIdentifiers, models.Model):
    """Someone returned (or will return) to the community: reported, then confirmed or rejected by the office."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    class Via(models.TextChoices):
        LANDLORD = "landlord", _("landlord")
        SELF = "self", _("self-report")
        OFFICE = "office", _("office")
        VISIT = "visit", _("door-to-door visit")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("registry.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    # A person already in the registry, or the details of one who is not yet (registered on confirmation).
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="returnee_reports")
    name = models.CharField(_("full name"), max_length=64)
    row_key = row_key_field()
    # Empty for a registered person: the hash is then the person's, the number theirs.
    id_number_encrypted = models.TextField(blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=24, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    from_place = models.CharField(_("coming from"), max_length=64)
    arrival_date = models.DateField(_("arrival date"))
    planned = models.BooleanField(_("not yet arrived"), default=False)
    transport = models.CharField(_("transport"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=200)
    via = models.CharField(max_length=16, choices=Via.choices)
    link = models.ForeignKey(ReportLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    reported_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=200, blank=True)
    observation = models.OneToOneField("observation.Observation", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="returnee_report")

    objects = ScopedQuerySet.as_manager()

    SEALED = (Sealed("id_number_encrypted", index="id_number_hash", kind="id"), Sealed("phone_encrypted"))

    class Meta:
        verbose_name = _("returnee report")
        verbose_name_plural = _("returnee reports")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(name="returnee_rejected_has_reason",
                                   condition=~Q(status="rejected") | ~Q(reject_reason="")),
        ]


class Site(models.Model):
    """A centralised observation site (集中隔离点): a hotel or hostel with rooms."""

    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=64)
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    rooms = models.JSONField(_("rooms"), default=list, blank=True)

    class Meta:
        verbose_name = _("observation site")
        verbose_name_plural = _("observation sites")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Observation(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", _("home observation")
        CENTRALISED = "centralised", _("centralised observation")

    class Status(models.TextChoices):
        ACTIVE = "active", _("under observation")
        COMPLETED = "completed", _("completed")
        TRANSFERRED = "transferred", _("transferred to hospital")
        ENDED_EARLY = "ended_early", _("ended early")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("registry.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="observations")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="observations")
    room = models.CharField(_("room"), max_length=16, blank=True)
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    # When the observation entered the system: follow-up slots that closed before it are not "missed".
    opened_at = models.DateTimeField()
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="observations_responsible", verbose_name=_("responsible worker"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    reason = models.CharField(_("why observed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("medical observation")
        verbose_name_plural = _("medical observations")
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="active"),
                                    name="one_active_observation_per_person"),
            models.CheckConstraint(name="observation_end_after_start", condition=Q(planned_end__gt=models.F("start"))),
            models.CheckConstraint(name="centralised_has_site",
                                   condition=~Q(kind="centralised") | Q(site__isnull=False)),
            models.CheckConstraint(name="ended_early_has_reason",
                                   condition=~Q(status="ended_early") | ~Q(end_reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}–{self.planned_end}"


class Extension(models.Model):
    """The planned end moved later, with the reason: an observation is never shortened silently."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="extensions")
    previous_end = models.DateField()
    new_end = models.DateField()
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(name="extension_moves_later", condition=Q(new_end__gt=models.F("previous_end"))),
        ]


class FollowUp(models.Model):
    """A temperature and symptom check of a person under observation, twice a day by default."""

    class Source(models.TextChoices):
        WORKER = "worker", _("worker")
        SELF = "self", _("self-reported")

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="followups")
    at = models.DateTimeField(_("time"), db_index=True)
    # The calendar day (Asia/Shanghai) and the slot of that day the check counts for.
    day = models.DateField()
    slot = models.PositiveSmallIntegerField()
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    fever = models.BooleanField(default=False)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WORKER)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # Unique per user (a self-report's, with no user, is namespaced by its link): a retry replays the
    # user's own follow-up, and another's id, guessed or replayed, neither returns nor swallows theirs.
    client_id = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["observation", "day", "slot"])]
        constraints = [
            models.UniqueConstraint(fields=["recorded_by", "client_id"], name="followup_client_id_once_per_user"),
            models.UniqueConstraint(fields=["client_id"], condition=models.Q(recorded_by__isnull=True),
                                    name="followup_client_id_once_self"),
        ]


class Alert(models.Model):
    """Something the responsible worker and the office must act on: a fever at a follow-up, a missed
    follow-up (both of a person under observation), or a fever refused at a gate (`gate_fever`: of
    anyone with a pass, observed or not; the gate, the temperature and the guard who scanned)."""

    class Kind(models.TextChoices):
        FEVER = "fever", _("fever")
        MISSED_FOLLOWUP = "missed_followup", _("missed follow-up")
        GATE_FEVER = "gate_fever", _("fever at the gate")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        CLOSED = "closed", _("closed")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("registry.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Empty for a fever at the gate of someone not under observation.
    observation = models.ForeignKey(Observation, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="alerts")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # A fever at the gate: where (the latest refusal's gate and scan), how hot (the latest reading), who scanned.
    gate = models.ForeignKey("gates.Gate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("gate"))
    scan = models.ForeignKey("gates.Scan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reported by"))
    # The responsible worker when raised; the office sees every alert of its community.
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="alerts_responsible")
    day = models.DateField()
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    followup = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    detail = models.CharField(max_length=200, blank=True)
    raised_at = models.DateTimeField()
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(_("action taken"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        ordering = ["-raised_at", "-id"]
        constraints = [
            # The missed-follow-up sweep may run in many processes: one alert per missed slot.
            models.UniqueConstraint(fields=["observation", "day", "slot"], condition=Q(kind="missed_followup"),
                                    name="one_missed_alert_per_slot"),
            # Refusals of one person at the gates of a community on one day raise one live alert
            # (docs/decisions/0013): the next refusal updates it; once closed, a new one opens.
            models.UniqueConstraint(fields=["community", "person", "day"],
                                    condition=Q(kind="gate_fever", status__in=["open", "acknowledged"]),
                                    name="one_live_gate_fever_alert_per_person_and_day"),
            models.CheckConstraint(name="alert_has_observation_unless_gate_fever",
                                   condition=Q(observation__isnull=False) | Q(kind="gate_fever")),
            models.CheckConstraint(name="closed_alert_has_action", condition=~Q(status="closed") | ~Q(action="")),
        ]
