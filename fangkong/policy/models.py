"""Effective-dated policy values set at district, street or community level (DESIGN.md §4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Conflict


class PolicyValue(models.Model):
    key = models.CharField(_("setting"), max_length=40, db_index=True)
    value = models.JSONField(_("value"))
    district = models.ForeignKey("registry.District", null=True, blank=True, on_delete=models.CASCADE)
    street = models.ForeignKey("registry.Street", null=True, blank=True, on_delete=models.CASCADE)
    community = models.ForeignKey("registry.Community", null=True, blank=True, on_delete=models.CASCADE)
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("policy value")
        ordering = ["key", "-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                name="policy_exactly_one_level",
                condition=(
                    Q(district__isnull=False, street__isnull=True, community__isnull=True)
                    | Q(district__isnull=True, street__isnull=False, community__isnull=True)
                    | Q(district__isnull=True, street__isnull=True, community__isnull=False)
                ),
            ),
        ]

    def delete(self, *args, **kwargs):
        # A value in force is superseded by a newer one (policy.services), never deleted: deleting it would
        # change, without a trace, what policy_in_force() answers for days already past.
        raise Conflict(_("A policy value cannot be deleted: set a newer one to supersede it."))

    @property
    def level(self) -> str:
        return "community" if self.community_id else "street" if self.street_id else "district"
