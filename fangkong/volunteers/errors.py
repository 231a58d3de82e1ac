from enum import StrEnum


class VolunteerCode(StrEnum):
    ALREADY_SIGNED_UP = "already_signed_up"
    NOT_PENDING = "not_pending"
    NOT_ACCEPTED = "not_accepted"
    HAS_LOGIN = "has_login"
    REASON_REQUIRED = "reason_required"
    NAME_REQUIRED = "name_required"
