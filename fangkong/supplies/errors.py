from enum import StrEnum


class SuppliesCode(StrEnum):
    INSUFFICIENT_STOCK = "insufficient_stock"
    UNKNOWN_ITEM = "unknown_item"
    UNKNOWN_PLACE = "unknown_place"
    BAD_REASON = "bad_reason"
    COMMUNITY_REQUIRED = "community_required"
    NO_ITEMS = "no_items"
