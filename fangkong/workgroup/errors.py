"""The working group's refusal codes; place codes are the registry's, generic ones `core.errors.Code`."""

from __future__ import annotations

from enum import StrEnum


class WorkgroupCode(StrEnum):
    OTHER_GROUP = "other_group"
