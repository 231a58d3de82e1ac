from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q


def page_of(request, queryset, per_page: int = 50) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@dataclass(frozen=True)
class KeysetPage:
    """One page of a list read newest first by (time, id): `next_key` continues after its last row (None at
    the end), `is_first` says whether it began at the newest. Unlike an offset, the key costs the same on
    the thousandth page, and rows added meanwhile do not shift what the next page shows."""

    items: list
    next_key: str | None
    is_first: bool


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _encode_key(at: datetime, pk: int) -> str:
    return f"{(at - _EPOCH) // timedelta(microseconds=1)}-{pk}"


def _decode_key(key: str) -> tuple[datetime, int] | None:
    micros, _sep, pk = (key or "").partition("-")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 18 or len(pk) > 18:
        return None
    try:
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:  # past the year 9999: not a key this list gave
        return None


def keyset_page(queryset, key: str | None, per_page: int = 50, *, time_field: str = "at") -> KeysetPage:
    """The page of `queryset` (newest first by `time_field`, then id) after `key`; a missing or malformed key
    gives the first page."""
    rows = queryset.order_by(f"-{time_field}", "-pk")
    after = _decode_key(key) if key else None
    if after is not None:
        at, pk = after
        rows = rows.filter(Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "pk__lt": pk}))
    items = list(rows[:per_page + 1])
    more = len(items) > per_page
    items = items[:per_page]
    last = items[-1] if items else None
    return KeysetPage(items, _encode_key(getattr(last, time_field), last.pk) if more and last else None,
                      after is None)
