"""Sanitation's refusal codes (values are the API's `code`); generic ones are `core.errors.Code`."""

from __future__ import annotations

from enum import StrEnum


class SanitationCode(StrEnum):
    UNKNOWN_AREA = "unknown_area"
    ENDS_BEFORE_START = "ends_before_start"
    AREA_OTHER_COMMUNITY = "area_other_community"
    COMMUNITY_REQUIRED = "community_required"
