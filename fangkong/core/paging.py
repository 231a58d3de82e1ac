"""Paging lists: page numbers over a bounded count, keys after a time, cursors over any indexed order."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, F, Func, Q, Value
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code as CoreCode
from fangkong.core.errors import FieldError


def page_of(request, queryset, per_page: int = 50) -> Page:
    """Numbered pages whose count stops at COUNT_CAP ("10,000+"): no COUNT(*) over the whole scope."""
    return BoundedPaginator(queryset, per_page).get_page(request.GET.get("page"))


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


# ---- Lists whose cost does not grow with the population (docs/lists-at-scale.md) ----

COUNT_CAP = 10_000
MAX_LIMIT = 1000  # a larger `limit` is served as this many rows; the Link header carries on from there
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"  # base64url: checked at the edge (400), decoded by Cursor
CURSOR_MAX = 400


def count_bounded(queryset, cap: int | None = None, *, in_order: bool = False) -> tuple[int, bool]:
    """(rows, more): the exact count up to `cap`, else (cap, True). Counts at most cap + 1 rows
    (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`), where a plain COUNT(*) reads the whole scope on every view.
    `in_order` keeps the queryset's order: where an index serves that order and the filters, PostgreSQL then
    counts cap + 1 index entries (an index-only scan) rather than scanning the table until cap + 1 match."""
    cap = COUNT_CAP if cap is None else cap
    if isinstance(queryset, list | tuple):
        n = len(queryset)
    else:
        n = (queryset if in_order else queryset.order_by()).values("pk")[:cap + 1].count()
    return min(n, cap), n > cap


def count_label(n: int, more: bool) -> str:
    return f"{n:,}+" if more else f"{n:,}"


class BoundedPaginator(Paginator):
    """Page numbers over a bounded count: at most COUNT_CAP rows are counted, so the last page number is
    bounded too (a deeper page is the last one) and the offset a page costs with it."""

    def __init__(self, object_list, per_page: int, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.count_more = False

    @cached_property
    def count(self) -> int:
        n, self.count_more = count_bounded(self.object_list, self.cap)
        return n

    @property
    def count_label(self) -> str:
        return count_label(self.count, self.count_more)


class Cursor:
    """An opaque cursor: the ordering values of the last row served, base64url JSON. Only ids, times and
    dates go in (never a name or an address: a cursor ends up in URLs and their logs). A tampered cursor
    moves only within what the scope filter already lets the actor see; a malformed one is a 400."""

    @staticmethod
    def encode(values: Sequence) -> str:
        out = []
        for v in values:
            if isinstance(v, datetime):
                out.append({"t": v.isoformat()})
            elif isinstance(v, date):
                out.append({"d": v.isoformat()})
            else:
                out.append(v)
        raw = json.dumps(out, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def decode(cursor: str, kinds: Sequence[type]) -> list:
        """The values, each checked against `kinds` (int, datetime, date); FieldError `cursor` otherwise."""
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(raw, list) or len(raw) != len(kinds):
                raise ValueError
            values = []
            for v, kind in zip(raw, kinds, strict=True):
                if kind is datetime:
                    v = datetime.fromisoformat(v["t"])
                    if v.tzinfo is None:
                        raise ValueError
                elif kind is date:
                    v = date.fromisoformat(v["d"])
                elif kind is int:
                    if type(v) is not int or not -2**62 <= v <= 2**62:
                        raise ValueError
                else:
                    raise ValueError
                values.append(v)
            return values
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError, OverflowError):
            raise FieldError("cursor", CoreCode.INVALID, _("Not a cursor this list gave")) from None


class RowCompare(Func):
    """`(a, b, c) > (x, y, z)`: the row comparison that a b-tree on (a, b, c) answers with one range scan,
    where the OR-expanded form (a > x OR a = x AND b > y …) makes PostgreSQL scan from the start. SQLite
    reads row values too (3.15+)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, lhs: Sequence, rhs: Sequence, *, op: str) -> None:
        if op not in (">", "<") or len(lhs) != len(rhs):
            raise ValueError(op)
        super().__init__(*lhs, *(Value(v) for v in rhs))
        self.width, self.op = len(lhs), op

    def as_sql(self, compiler, connection, **extra):
        compiled = [compiler.compile(e) for e in self.get_source_expressions()]
        sqls = [s for s, _p in compiled]
        params = [p for _s, ps in compiled for p in ps]
        return (f"({', '.join(sqls[:self.width])}) {self.op} ({', '.join(sqls[self.width:])})", params)


@dataclass(frozen=True)
class Key:
    """One column of a list's order: an annotation name, its expression (F or an indexed expression such
    as COALESCE(grid_id, 0), which must match the list's index exactly), its type in the cursor."""

    name: str
    expression: object
    kind: type = int


@dataclass(frozen=True)
class CursorPage:
    items: list
    next_cursor: str | None
    count: int | None = None
    count_more: bool = False

    @property
    def count_label(self) -> str:
        return count_label(self.count or 0, self.count_more)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def cursor_page(queryset, keys: Sequence[Key], *, cursor: str | None = None, offset: int = 0, limit: int = 50,
                descending: bool = False, fetch=None) -> CursorPage:
    """A page of `queryset` ordered by `keys` (all ascending, or all descending), after `cursor` if given,
    else from `offset`. The page's keys are read first (an index-only scan where an index covers the keys
    and filters), then `fetch(ids)` (default: the queryset's rows by id) builds the rows: a deep offset
    walks index entries, never whole rows. `next_cursor` is None on the last page."""
    rows = queryset.annotate(**{k.name: k.expression for k in keys if k.name != "pk"})
    names = [k.name for k in keys]
    if cursor:
        after = Cursor.decode(cursor, [k.kind for k in keys])
        rows = rows.filter(RowCompare([F(n) for n in names], after, op="<" if descending else ">"))
        offset = 0
    order = [f"-{n}" if descending else n for n in names]
    key_rows = list(rows.order_by(*order).values_list(*names)[offset:offset + limit + 1])
    more = len(key_rows) > limit
    key_rows = key_rows[:limit]
    ids = [r[names.index("pk")] for r in key_rows]
    if fetch is None:
        by_id = queryset.order_by().in_bulk(ids)
        items = [by_id[i] for i in ids if i in by_id]
    else:
        items = fetch(ids)
    return CursorPage(items, Cursor.encode(key_rows[-1]) if more and key_rows else None)


def url_with_cursor(request, cursor: str | None, *, drop: Iterable[str] = ("offset", "page")) -> str:
    """This request's path and parameters (filters, limit) with `cursor` in place of any offset or page
    number (none: the first page)."""
    params = request.GET.copy()
    for name in (*drop, "cursor"):
        params.pop(name, None)
    if cursor:
        params["cursor"] = cursor
    return f"{request.path}?{params.urlencode()}" if params else request.path


def link_next(request, cursor: str | None) -> str | None:
    """The RFC 8288 `Link` value for the next page; None on the last page."""
    return f'<{url_with_cursor(request, cursor)}>; rel="next"' if cursor else None


def pager_links(request, page: CursorPage) -> dict[str, str | None]:
    """The pager's links on a page: the next page, and the first one when this is not it."""
    return {"next_url": url_with_cursor(request, page.next_cursor) if page.next_cursor else None,
            "first_url": url_with_cursor(request, None) if request.GET.get("cursor") else None}


def set_next_headers(response, request, cursor: str | None) -> None:
    """`Link: <…cursor=…>; rel="next"` and `X-Next-Cursor` on an API answer that has a next page."""
    link = link_next(request, cursor)
    if link:
        response["Link"] = link
        response["X-Next-Cursor"] = cursor


def api_page(request, response, queryset, keys: Sequence[Key], *, cursor: str = "", offset: int = 0,
             limit: int = 100, descending: bool = False, fetch=None) -> list:
    """The rows of an API list answered as a JSON list (its shape unchanged): by `cursor` when given,
    else `limit`/`offset` as before; `Link: rel=next` and `X-Next-Cursor` when more follow."""
    page = cursor_page(queryset, keys, cursor=cursor or None, offset=offset, limit=min(limit, MAX_LIMIT),
                       descending=descending, fetch=fetch)
    set_next_headers(response, request, page.next_cursor)
    return page.items
