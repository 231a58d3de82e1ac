"""Policy's refusal codes (values are the API's `code`); generic ones are `core.errors.Code`."""

from __future__ import annotations

from enum import StrEnum


class PolicyCode(StrEnum):
    UNKNOWN_SETTING = "unknown_setting"
    ONE_LEVEL = "one_level"
    INVALID_AREAS = "invalid_areas"
    INVALID_QUOTA = "invalid_quota"
