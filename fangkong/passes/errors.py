"""Reason codes of a scan decision, and the passes app's own refusals: stable, part of the API contract.

They live here, below gates, because passes refuses with some of them too (a revoked pass cannot be
reissued or printed: `pass_revoked`); the scan (`gates.scanning`) and the gate's visitor register
import them from here."""

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ScanReason(StrEnum):
    UNKNOWN_PASS = "unknown_pass"  # noqa: S105 -- a code, not a password
    BAD_SIGNATURE = "bad_signature"
    PASS_REVOKED = "pass_revoked"  # noqa: S105 -- a code, not a password
    PASS_EXPIRED = "pass_expired"  # noqa: S105 -- a code, not a password
    PASS_NOT_YET_VALID = "pass_not_yet_valid"  # noqa: S105 -- a code, not a password
    GATE_NOT_ALLOWED = "gate_not_allowed"
    BANNED = "banned"
    ID_REQUIRED = "id_required"
    ID_MISMATCH = "id_mismatch"
    UNDER_OBSERVATION = "under_observation"
    TEMPERATURE_REQUIRED = "temperature_required"
    FEVER = "fever"
    EXIT_QUOTA_REACHED = "exit_quota_reached"
    # Only an offline gate device answers it: its policy refuses exits under a quota without the network.
    EXIT_NEEDS_CONNECTION = "exit_needs_connection"
    # Never a decision's reason: how `fever` and `under_observation` read in the gate register for a
    # role without health permission (gates.selectors).
    HEALTH_CHECK = "health_check"


# What the guard reads for each reason; keyed by the codes as plain strings, as they come back from
# the database (a recorded scan's `reasons`) and go out on the wire.
REASONS: dict[str, Promise] = {
    ScanReason.UNKNOWN_PASS: _("No such pass"),
    ScanReason.BAD_SIGNATURE: _("The QR code is forged, damaged or signed with a retired key"),
    ScanReason.PASS_REVOKED: _("The pass has been revoked"),
    ScanReason.PASS_EXPIRED: _("The pass has expired"),
    ScanReason.PASS_NOT_YET_VALID: _("The pass is not valid yet"),
    ScanReason.GATE_NOT_ALLOWED: _("The pass is not valid at this gate"),
    ScanReason.BANNED: _("This person is barred from the community"),
    ScanReason.ID_REQUIRED: _("Show the ID card with this pass"),
    ScanReason.ID_MISMATCH: _("The ID card does not belong to the pass holder"),
    ScanReason.UNDER_OBSERVATION: _("The holder is under medical observation and may not go out"),
    ScanReason.TEMPERATURE_REQUIRED: _("Take the temperature first"),
    ScanReason.FEVER: _("Temperature at or above the fever threshold"),
    ScanReason.EXIT_QUOTA_REACHED: _("The exits allowed today have been used"),
    ScanReason.EXIT_NEEDS_CONNECTION: _("Exits with a daily limit need the network: wait for the connection"),
    ScanReason.HEALTH_CHECK: _("Held for a health reason"),
}


class PassCode(StrEnum):
    """Refusals of the passes app's own requests."""

    # Passes are suspended while their holder is under observation: filtering by it lists who is.
    HEALTH_PERMISSION_REQUIRED = "health_permission_required"
