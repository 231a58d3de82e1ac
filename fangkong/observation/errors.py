"""Observation's refusal codes (values are the API's `code`); generic ones are `core.errors.Code`, place
codes the registry's."""

from __future__ import annotations

from enum import StrEnum


class ObservationCode(StrEnum):
    # observations
    UNKNOWN_PERSON = "unknown_person"
    UNKNOWN_SITE = "unknown_site"
    UNKNOWN_USER = "unknown_user"
    TOO_FAR_AHEAD = "too_far_ahead"
    SITE_OUTSIDE_STREET = "site_outside_street"
    SITE_FULL = "site_full"
    UNKNOWN_ROOM = "unknown_room"
    ROOM_TAKEN = "room_taken"
    RESPONSIBLE_OUT_OF_SCOPE = "responsible_out_of_scope"
    ALREADY_UNDER_OBSERVATION = "already_under_observation"
    OBSERVATION_ENDED = "observation_ended"
    NOT_LATER = "not_later"
    EXTENSION_TOO_LONG = "extension_too_long"
    BEFORE_PLANNED_END = "before_planned_end"
    # follow-ups and alerts
    CLIENT_ID_TAKEN = "client_id_taken"
    ALREADY_CLOSED = "already_closed"
    # returnees and their links
    NOT_A_LANDLORD = "not_a_landlord"
    NOT_YOUR_TENANT = "not_your_tenant"
    NOT_YOUR_HOME = "not_your_home"
    WRONG_LINK = "wrong_link"
    ALREADY_DECIDED = "already_decided"
    ID_NUMBER_REGISTERED = "id_number_registered"
