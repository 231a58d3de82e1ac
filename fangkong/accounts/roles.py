"""Roles and what each may do. One table, read by `can()`; views and services never test role names."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    STREET_OFFICE = "street_office", _("Street office")
    COMMUNITY_LEADER = "community_leader", _("Community leader")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    OFFICE_STAFF = "office_staff", _("Office staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    GUARD = "guard", _("Gate guard")
    VOLUNTEER = "volunteer", _("Volunteer")


class Perm(StrEnum):
    VIEW_REGISTRY = "view_registry"
    EDIT_REGISTRY = "edit_registry"
    IMPORT_REGISTRY = "import_registry"
    REVEAL_ID_NUMBER = "reveal_id_number"
    REVEAL_PHONE = "reveal_phone"
    VIEW_POLICY = "view_policy"
    EDIT_POLICY = "edit_policy"
    VIEW_AUDIT = "view_audit"
    MANAGE_SECURITY = "manage_security"
    VIEW_WORKGROUP = "view_workgroup"
    EDIT_WORKGROUP = "edit_workgroup"
    ISSUE_PASSES = "issue_passes"
    PRINT_PASSES = "print_passes"
    REVOKE_PASSES = "revoke_passes"
    SCAN = "scan"
    VIEW_PASSES = "view_passes"
    MANAGE_ROSTER = "manage_roster"
    VIEW_SCREENING = "view_screening"
    SCREEN = "screen"
    MANAGE_SCREENING = "manage_screening"
    VIEW_OBSERVATION = "view_observation"
    MANAGE_OBSERVATION = "manage_observation"
    FOLLOW_UP = "follow_up"
    CONFIRM_RETURNEES = "confirm_returnees"
    VIEW_SCANS = "view_scans"
    VIEW_HEALTH = "view_health"
    VIEW_REPORTS = "view_reports"
    EDIT_REPORTS = "edit_reports"
    SUBMIT_REPORTS = "submit_reports"
    REMIND_REPORTS = "remind_reports"
    EXPORT_LEDGERS = "export_ledgers"
    EDIT_LAYOUTS = "edit_layouts"
    VIEW_VERIFICATION = "view_verification"
    UPLOAD_VERIFICATION = "upload_verification"
    CHECK_VERIFICATION = "check_verification"
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_MEETINGS = "view_meetings"
    EDIT_MEETINGS = "edit_meetings"
    EDIT_PLANS = "edit_plans"
    VIEW_SUPPLIES = "view_supplies"
    MANAGE_SUPPLIES = "manage_supplies"
    VIEW_REQUESTS = "view_requests"
    HANDLE_REQUESTS = "handle_requests"
    VIEW_SHOPS = "view_shops"
    MANAGE_SHOPS = "manage_shops"
    VIEW_VOLUNTEERS = "view_volunteers"
    MANAGE_VOLUNTEERS = "manage_volunteers"
    MANAGE_NOTICES = "manage_notices"
    SEND_MESSAGES = "send_messages"
    VIEW_SANITATION = "view_sanitation"
    LOG_SANITATION = "log_sanitation"


R = Role
_ALL_DESK = {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.COMMITTEE_MEMBER, R.OFFICE_STAFF}

# Street offices see their communities' registries masked and may not reveal: they need figures,
# "nothing more personal than needed" (DESIGN.md §2). Grid workers reveal phones (they call
# residents) but not ID numbers. Guards and volunteers work at the gate, not in the registry.
PERMISSIONS: dict[Perm, set[Role]] = {
    Perm.VIEW_REGISTRY: _ALL_DESK | {R.STREET_OFFICE, R.GRID_WORKER},
    Perm.EDIT_REGISTRY: _ALL_DESK | {R.GRID_WORKER},
    Perm.IMPORT_REGISTRY: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.OFFICE_STAFF},
    Perm.REVEAL_ID_NUMBER: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.OFFICE_STAFF},
    Perm.REVEAL_PHONE: _ALL_DESK | {R.GRID_WORKER},
    Perm.VIEW_POLICY: _ALL_DESK | {R.STREET_OFFICE, R.GRID_WORKER, R.GUARD},
    Perm.EDIT_POLICY: {R.ADMINISTRATOR, R.STREET_OFFICE, R.COMMUNITY_LEADER},
    Perm.VIEW_AUDIT: {R.ADMINISTRATOR, R.COMMUNITY_LEADER},
    # Security alerts (a user's identifier searches paused) concern users across communities.
    Perm.MANAGE_SECURITY: {R.ADMINISTRATOR},
    Perm.VIEW_WORKGROUP: _ALL_DESK | {R.STREET_OFFICE, R.GRID_WORKER, R.GUARD, R.VOLUNTEER},
    Perm.EDIT_WORKGROUP: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.OFFICE_STAFF},
    Perm.ISSUE_PASSES: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.OFFICE_STAFF},
    Perm.PRINT_PASSES: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.OFFICE_STAFF},
    # The guard on duty may revoke a pass and bar a person from an incident (the seed's 1 Feb case).
    Perm.REVOKE_PASSES: _ALL_DESK | {R.GUARD},
    Perm.SCAN: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.COMMITTEE_MEMBER, R.GUARD, R.VOLUNTEER},
    Perm.VIEW_PASSES: _ALL_DESK | {R.GUARD, R.VOLUNTEER, R.STREET_OFFICE},
    Perm.MANAGE_ROSTER: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.COMMITTEE_MEMBER, R.OFFICE_STAFF},
    # Screening and observation: grid workers knock on doors and take temperatures; the office opens
    # rounds, starts and ends observations and confirms returnees; the street office sees coverage figures.
    Perm.VIEW_SCREENING: _ALL_DESK | {R.STREET_OFFICE, R.GRID_WORKER},
    Perm.SCREEN: _ALL_DESK | {R.GRID_WORKER},
    Perm.MANAGE_SCREENING: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.COMMITTEE_MEMBER, R.OFFICE_STAFF},
    # Who is under observation, with temperatures, is health data about one person: the street office
    # gets its figures from the daily reports, not these lists.
    Perm.VIEW_OBSERVATION: _ALL_DESK | {R.GRID_WORKER},
    Perm.MANAGE_OBSERVATION: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.OFFICE_STAFF},
    Perm.FOLLOW_UP: _ALL_DESK | {R.GRID_WORKER},
    Perm.CONFIRM_RETURNEES: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.OFFICE_STAFF},
    # The gate register (who went in and out, when): for those on gate duty and those who follow people
    # up, each in their scope; the street office has no gate or health duty and reads no one's movements.
    Perm.VIEW_SCANS: _ALL_DESK | {R.GUARD, R.VOLUNTEER, R.GRID_WORKER},
    # Health information outside the observation pages: temperatures and fever at gates, key-area
    # flags beside names, passes suspended for observation. The same roles as VIEW_OBSERVATION, named
    # apart so that every place showing health data reads one permission (docs/permissions.md). A guard
    # still sees the temperature of the person in front of them: the scan's answer, not a list.
    Perm.VIEW_HEALTH: _ALL_DESK | {R.GRID_WORKER},
    # The daily report: figures, no names. The office prepares it (types what the system cannot know),
    # the community leader signs it off; the street office reads its communities' and reminds them.
    Perm.VIEW_REPORTS: _ALL_DESK | {R.STREET_OFFICE},
    Perm.EDIT_REPORTS: _ALL_DESK,
    Perm.SUBMIT_REPORTS: {R.ADMINISTRATOR, R.COMMUNITY_LEADER},
    Perm.REMIND_REPORTS: {R.ADMINISTRATOR, R.STREET_OFFICE},
    # Ledgers out as Excel: each ledger also needs the permission to see what it lists (ledgers.specs);
    # full ID numbers and phones only with the reveal permissions, and then the file is encrypted.
    Perm.EXPORT_LEDGERS: _ALL_DESK | {R.STREET_OFFICE},
    Perm.EDIT_LAYOUTS: {R.ADMINISTRATOR, R.STREET_OFFICE, R.COMMUNITY_LEADER},
    # Lists pushed down by the street: it uploads them and follows the counts; the community's desk and
    # grid workers check their rows.
    Perm.VIEW_VERIFICATION: _ALL_DESK | {R.STREET_OFFICE, R.GRID_WORKER},
    Perm.UPLOAD_VERIFICATION: {R.ADMINISTRATOR, R.STREET_OFFICE},
    Perm.CHECK_VERIFICATION: _ALL_DESK | {R.GRID_WORKER},
    # The command post: figures and charts in the user's scope (a grid worker's grid, a street's
    # communities side by side), no names; the briefings, meetings, action items and plans of the working
    # group, read by the street office and grid workers (who own action items), kept by the desk.
    Perm.VIEW_DASHBOARD: _ALL_DESK | {R.STREET_OFFICE, R.GRID_WORKER},
    Perm.VIEW_MEETINGS: _ALL_DESK | {R.STREET_OFFICE, R.GRID_WORKER},
    Perm.EDIT_MEETINGS: _ALL_DESK,
    Perm.EDIT_PLANS: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.OFFICE_STAFF},
    # Community life: the store of protective supplies and the donations (the street office follows the
    # stock of its communities); residents' requests, answered by the office and the grid workers.
    Perm.VIEW_SUPPLIES: _ALL_DESK | {R.STREET_OFFICE, R.GUARD},
    Perm.MANAGE_SUPPLIES: _ALL_DESK,
    Perm.VIEW_REQUESTS: _ALL_DESK | {R.GRID_WORKER},
    Perm.HANDLE_REQUESTS: _ALL_DESK | {R.GRID_WORKER},
    # Shops and their prices (the street watches prices across its communities); volunteers' sign-ups,
    # vetted by the office (their phones and ID numbers: the desk only); notices and messages to
    # residents; disinfection and patrols, logged by whoever does them.
    Perm.VIEW_SHOPS: _ALL_DESK | {R.STREET_OFFICE},
    Perm.MANAGE_SHOPS: _ALL_DESK,
    Perm.VIEW_VOLUNTEERS: _ALL_DESK,
    Perm.MANAGE_VOLUNTEERS: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.COMMITTEE_MEMBER, R.OFFICE_STAFF},
    Perm.MANAGE_NOTICES: _ALL_DESK,
    Perm.SEND_MESSAGES: {R.ADMINISTRATOR, R.COMMUNITY_LEADER, R.OFFICE_STAFF},
    Perm.VIEW_SANITATION: _ALL_DESK | {R.STREET_OFFICE, R.GRID_WORKER, R.GUARD, R.VOLUNTEER},
    Perm.LOG_SANITATION: _ALL_DESK | {R.GRID_WORKER, R.GUARD, R.VOLUNTEER},
}


def role_can(role: str, perm: Perm) -> bool:
    return role in PERMISSIONS[perm]
