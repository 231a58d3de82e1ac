"""Screening's refusal codes (values are the API's `code`); generic ones are `core.errors.Code`, place
codes the registry's."""

from __future__ import annotations

from enum import StrEnum


class ScreeningCode(StrEnum):
    UNKNOWN_GRID = "unknown_grid"
    OUTSIDE_ROUND = "outside_round"
    ROUND_CLOSED = "round_closed"
    BEFORE_ROUND = "before_round"
    NOBODY_SEEN = "nobody_seen"
    NOT_MEMBER = "not_member"
    DUPLICATE = "duplicate"
    TOO_FAR = "too_far"
    CLIENT_ID_TAKEN = "client_id_taken"
