"""Codes of the gates app: why a request at a gate is refused (`GateCode`), and the reason codes of a
scan decision (`ScanReason`, with the guard's messages in `REASONS`), which live in passes because
passes refuses with some of them too. All are plain strings on the wire and part of the API contract."""

from enum import StrEnum

from fangkong.passes.errors import REASONS, ScanReason


class GateCode(StrEnum):
    UNKNOWN_GATE = "unknown_gate"
    CLIENT_ID_REQUIRED = "client_id_required"
    INVALID_CHOICE = "invalid_choice"
    REQUIRED = "required"
    HOUSEHOLD_OUTSIDE_COMMUNITY = "household_outside_community"
    BEFORE_START = "before_start"
    OTHER_COMMUNITY = "other_community"
    DOUBLE_BOOKED = "double_booked"  # a person on two shifts at overlapping times
    NOT_COMMITTEE = "not_committee"  # a shift led by someone who is no committee member
    INVALID_DEVICE = "invalid_device"  # a gate device's id that is no UUID


__all__ = ["REASONS", "GateCode", "ScanReason"]
