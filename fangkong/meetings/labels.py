"""How a briefing's facts read on the page: a label and the list behind each figure (shown as a link to
those whose role may open it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Perm


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    url: str  # a URL name
    perm: Perm
    group: str


_RETURNEES, _OBS, _ALERTS, _GATES, _SCREEN, _OTHER = (
    _("Returnees"), _("Observation"), _("Fevers and alerts"), _("Gates"), _("Screening"), _("Lists and actions"))

FACTS = [
    Fact("returnee_reports", _("Returnee reports received"), "observation:returnee_list", Perm.VIEW_OBSERVATION,
         _RETURNEES),
    Fact("returnees_confirmed", _("Returnees confirmed"), "observation:returnee_list", Perm.VIEW_OBSERVATION,
         _RETURNEES),
    Fact("returnee_reports_pending", _("Reports awaiting confirmation"), "observation:returnee_list",
         Perm.VIEW_OBSERVATION, _RETURNEES),
    Fact("travel_records", _("Travel and contact records added"), "screening:changes", Perm.VIEW_SCREENING,
         _RETURNEES),
    Fact("observations_started", _("Observations started"), "observation:observation_list", Perm.VIEW_OBSERVATION,
         _OBS),
    Fact("observations_ended", _("Observations ended"), "observation:observation_list", Perm.VIEW_OBSERVATION, _OBS),
    Fact("observations_active", _("Under observation at the end of the period"), "observation:observation_list",
         Perm.VIEW_OBSERVATION, _OBS),
    Fact("alerts_raised", _("Alerts raised"), "observation:alert_list", Perm.VIEW_OBSERVATION, _ALERTS),
    Fact("alerts_fever", _("Fevers in follow-ups"), "observation:alert_list", Perm.VIEW_OBSERVATION, _ALERTS),
    Fact("alerts_gate_fever", _("Fevers at the gates"), "observation:alert_list", Perm.VIEW_OBSERVATION, _ALERTS),
    Fact("alerts_missed_followup", _("Missed follow-ups"), "observation:alert_list", Perm.VIEW_OBSERVATION, _ALERTS),
    Fact("alerts_open", _("Alerts still open"), "observation:alert_list", Perm.VIEW_OBSERVATION, _ALERTS),
    Fact("scans_in", _("Scans in"), "gates:index", Perm.VIEW_WORKGROUP, _GATES),
    Fact("scans_out", _("Scans out"), "gates:index", Perm.VIEW_WORKGROUP, _GATES),
    Fact("denials", _("Refused at the gates"), "gates:index", Perm.VIEW_WORKGROUP, _GATES),
    Fact("incidents", _("Incidents at the gates"), "gates:index", Perm.VIEW_WORKGROUP, _GATES),
    Fact("households_seen", _("Households seen at the door"), "screening:round_list", Perm.VIEW_SCREENING, _SCREEN),
    Fact("verification_received", _("Pushed-down rows received"), "verification:index", Perm.VIEW_VERIFICATION,
         _OTHER),
    Fact("verification_checked", _("Pushed-down rows checked"), "verification:index", Perm.VIEW_VERIFICATION,
         _OTHER),
    Fact("actions_open", _("Action items open"), "meetings:actions", Perm.VIEW_MEETINGS, _OTHER),
    Fact("actions_overdue", _("Action items overdue"), "meetings:actions", Perm.VIEW_MEETINGS, _OTHER),
]

REPORT_STATES = {"submitted": _("submitted"), "draft": _("draft"), "missing": _("not submitted, past the deadline")}
