"""The registry's refusal codes (values are the API's `code`); generic ones are `core.errors.Code`."""

from __future__ import annotations

from enum import StrEnum


class RegistryCode(StrEnum):
    ID_NUMBER_TAKEN = "id_number_taken"
    # The ID number is held outside the user's scope: the same answer whatever the reason, so that
    # registering is no test of whether someone lives elsewhere in the district.
    ID_NUMBER_UNAVAILABLE = "id_number_unavailable"
    SEARCH_BLOCKED = "search_blocked"
    ID_SEX_MISMATCH = "id_sex_mismatch"
    ID_BIRTH_MISMATCH = "id_birth_mismatch"
    UNKNOWN_TAG = "unknown_tag"
    UNKNOWN_HOUSEHOLD = "unknown_household"
    GRID_OUTSIDE_COMMUNITY = "grid_outside_community"
    HOUSEHOLD_OUTSIDE_COMMUNITY = "household_outside_community"
    ALREADY_MEMBER = "already_member"
    BEFORE_CURRENT = "before_current"
    FUTURE_DATE = "future_date"
    NOT_REVEALABLE = "not_revealable"
    UNSUPPORTED_TYPE = "unsupported_type"
    # the import (registry.importing)
    UNREADABLE_FILE = "unreadable_file"
    ENCRYPTED_FILE = "encrypted_file"
    MISSING_COLUMNS = "missing_columns"
    TOO_MANY_ROWS = "too_many_rows"
    UNKNOWN_GRID = "unknown_grid"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    LANDLORD_IS_TENANT = "landlord_is_tenant"
    UNKNOWN_LANDLORD = "unknown_landlord"
    # An ID number typed as a number: Excel keeps 15 significant digits, an ID number has 18.
    ID_NUMBER_AS_NUMBER = "id_number_as_number"
