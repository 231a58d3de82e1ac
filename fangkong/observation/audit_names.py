"""Observation's objects in the audit log (accounts.audit_names): an observation, a follow-up, an alert and
a report link by the person's masked name, linked to their page; a returnee report by the reported
person's masked name; a site by its name."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.audit_names import Named, int_ids, model_fields, register
from fangkong.core.identifiers import mask_name
from fangkong.observation.models import Alert, FollowUp, Observation, ReportLink, ReturneeReport, Site


def _observations(ids: Sequence[str]) -> dict[str, Named]:
    rows = Observation.objects.filter(pk__in=int_ids(ids)).values_list("pk", "person__name")
    return {str(pk): Named(mask_name(name or ""), reverse("observation:observation_detail", args=[pk]))
            for pk, name in rows}


def _followups(ids: Sequence[str]) -> dict[str, Named]:
    rows = FollowUp.objects.filter(pk__in=int_ids(ids)).values_list("pk", "observation_id", "observation__person__name",
                                                                     "at")
    return {str(pk): Named(f"{mask_name(name or '')} · {timezone.localtime(at):%Y-%m-%d %H:%M}",
                           reverse("observation:observation_detail", args=[obs]))
            for pk, obs, name, at in rows}


def _alerts(ids: Sequence[str]) -> dict[str, Named]:
    kinds = dict(Alert.Kind.choices)
    rows = Alert.objects.filter(pk__in=int_ids(ids)).values_list("pk", "kind", "person__name")
    return {str(pk): Named(f"{mask_name(name or '')} · {kinds.get(kind, kind)}", reverse("observation:alert_list"))
            for pk, kind, name in rows}


def _links(ids: Sequence[str]) -> dict[str, Named]:
    rows = ReportLink.objects.filter(pk__in=int_ids(ids)).values_list("pk", "person__name")
    return {str(pk): Named(mask_name(name or ""), reverse("observation:link_detail", args=[pk])) for pk, name in rows}


def _reports(ids: Sequence[str]) -> dict[str, Named]:
    rows = ReturneeReport.objects.filter(pk__in=int_ids(ids)).values_list("pk", "name")
    return {str(pk): Named(mask_name(name or ""), reverse("observation:returnee_list")) for pk, name in rows}


def _sites(ids: Sequence[str]) -> dict[str, Named]:
    return {str(pk): Named(name, reverse("observation:site_list"))
            for pk, name in Site.objects.filter(pk__in=int_ids(ids)).values_list("pk", "name")}


register("observation", names=_observations, field_label=model_fields(Observation))
register("followup", names=_followups, field_label=model_fields(FollowUp))
register("alert", names=_alerts, field_label=model_fields(Alert))
register("report_link", names=_links, field_label=model_fields(ReportLink))
register("returnee_report", names=_reports, field_label=model_fields(ReturneeReport))
register("observation_site", names=_sites, field_label=model_fields(Site))
