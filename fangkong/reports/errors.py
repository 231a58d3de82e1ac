"""Codes of the reports app: why a daily report or a reminder is refused. Plain strings on the wire."""

from enum import StrEnum


class ReportCode(StrEnum):
    ALREADY_SUBMITTED = "already_submitted"  # a second submission without a reason for the correction
    REPORT_LOCKED = "report_locked"  # typed fields of a submitted report change only through a correction
    REASON_REQUIRED = "reason_required"
