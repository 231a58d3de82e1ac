"""Error codes of the helpdesk app."""

from enum import StrEnum


class HelpdeskCode(StrEnum):
    TEXT_LENGTH = "text_length"
    INVALID_CHOICE = "invalid_choice"
    WRONG_STEP = "wrong_step"
    REQUIRED = "required"
