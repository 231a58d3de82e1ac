"""Error codes of the shops app."""

from enum import StrEnum


class ShopsCode(StrEnum):
    BAD_PRICE = "bad_price"
    NO_PRICES = "no_prices"
    ALREADY_CLOSED = "already_closed"
    NOT_SERVICE = "not_service_merchant"
