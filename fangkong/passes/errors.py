"""Reason codes of a scan decision: stable, part of the API contract."""

from django.utils.translation import gettext_lazy as _

REASONS = {
    "unknown_pass": _("No such pass"),
    "bad_signature": _("The QR code is forged, damaged or signed with a retired key"),
    "pass_revoked": _("The pass has been revoked"),
    "pass_expired": _("The pass has expired"),
    "pass_not_yet_valid": _("The pass is not valid yet"),
    "gate_not_allowed": _("The pass is not valid at this gate"),
    "banned": _("This person is barred from the community"),
    "id_required": _("Show the ID card with this pass"),
    "id_mismatch": _("The ID card does not belong to the pass holder"),
    "under_observation": _("The holder is under medical observation and may not go out"),
    "temperature_required": _("Take the temperature first"),
    "fever": _("Temperature at or above the fever threshold"),
    "exit_quota_reached": _("The exits allowed today have been used"),
}
