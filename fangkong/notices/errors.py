from enum import StrEnum


class NoticeCode(StrEnum):
    UNKNOWN_CHANNEL = "unknown_channel"
    NO_RECIPIENTS = "no_recipients"
    BAD_RECIPIENT = "bad_recipient"
