"""Error codes of the meetings app."""

from enum import StrEnum


class MeetingsCode(StrEnum):
    UNKNOWN_OWNER = "unknown_owner"
    EMPTY_TEXT = "empty_text"
    NOT_OWNER = "not_owner"
    EMPTY_PLAN = "empty_plan"
    WRONG_KIND = "wrong_kind"
