"""Reads of pushed-down lists, scoped at this one door for the pages (views.py) and the API (api.py), and
the day counts the daily report reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import ScopeGrant, User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import NotFound
from fangkong.core.paging import KeysetPage, keyset_page
from fangkong.registry.models import Community, Street
from fangkong.verification.models import VerificationList, VerificationRow

OUTCOMES = [choice.value for choice in VerificationRow.Outcome]


def verification_day_counts(*, community_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, dict]:
    """Per community id: rows received and checked in [start, end), the totals so far (< end) and the
    totals per outcome so far. One aggregate query; a community without rows gets zeros."""
    ids = list(community_ids)
    counts = {cid: _zero_counts() for cid in ids}
    if not ids:
        return counts
    checked_so_far = Q(outcome_at__lt=end) & ~Q(outcome="")
    aggregates = {
        "received": Count("id", filter=Q(received_at__gte=start, received_at__lt=end)),
        "checked": Count("id", filter=Q(outcome_at__gte=start, outcome_at__lt=end) & ~Q(outcome="")),
        "received_total": Count("id", filter=Q(received_at__lt=end)),
        "checked_total": Count("id", filter=checked_so_far),
        **{outcome: Count("id", filter=checked_so_far & Q(outcome=outcome)) for outcome in OUTCOMES},
    }
    rows = (VerificationRow.objects.filter(community_id__in=ids).order_by()
            .values("community_id").annotate(**aggregates))
    for row in rows:
        cid = row.pop("community_id")
        counts[cid] = {key: int(value) for key, value in row.items()}
    return counts


def _zero_counts() -> dict[str, int]:
    return dict.fromkeys(["received", "checked", "received_total", "checked_total", *OUTCOMES], 0)


# --- scope ---------------------------------------------------------------------------------------------


def street_ids_of(*, actor: User) -> frozenset[int] | None:
    """The streets whose lists the actor follows as a street (uploads, sees every row, unmatched included):
    their street grants; None for an administrator (every street)."""
    if scope_of(actor).is_all:
        return None
    if not actor.is_authenticated:
        return frozenset()
    return frozenset(ScopeGrant.objects.filter(user=actor, street__isnull=False).values_list("street_id", flat=True))


def street_list(*, actor: User) -> QuerySet[Street]:
    ids = street_ids_of(actor=actor)
    streets = Street.objects.all() if ids is None else Street.objects.filter(pk__in=ids)
    return streets.order_by("code")


def street_get(*, actor: User, code: str) -> Street:
    street = street_list(actor=actor).filter(code=code).first()
    if street is None:
        raise NotFound(_("No such street in your scope"))
    return street


def _rows_visible(actor: User) -> Q:
    """The rows the actor sees: those of their streets (all, unmatched included) and those routed to the
    communities they see. A grid worker sees their community's rows (docs/verification.md says why)."""
    scope = scope_of(actor)
    if scope.is_all:
        return Q()
    q = Q(community_id__in=scope.visible_community_ids)
    streets = street_ids_of(actor=actor)
    if streets:
        q |= Q(street_id__in=streets)
    return q


def row_checkable(*, actor: User, row: VerificationRow) -> bool:
    """Whether the actor's scope takes in the community of this row (a row still with the street: no one)."""
    return row.community_id is not None and scope_of(actor).covers_community(row.community_id)


# --- lists ---------------------------------------------------------------------------------------------


def verification_lists(*, actor: User) -> QuerySet[VerificationList]:
    """The lists of the actor's streets and those with rows routed to the actor's communities."""
    require(actor, Perm.VIEW_VERIFICATION)
    scope = scope_of(actor)
    lists = VerificationList.objects.select_related("street", "uploaded_by")
    if scope.is_all:
        return lists
    routed_here = VerificationRow.objects.filter(vlist=OuterRef("pk"), community_id__in=scope.visible_community_ids)
    return lists.filter(Q(street_id__in=street_ids_of(actor=actor) or ()) | Q(Exists(routed_here)))


def verification_list_page(*, actor: User, key: str | None = None, per_page: int = 30) -> KeysetPage:
    return keyset_page(verification_lists(actor=actor), key, per_page, time_field="uploaded_at")


def verification_list_get(*, actor: User, pk: int) -> VerificationList:
    vlist = verification_lists(actor=actor).filter(pk=pk).first()
    if vlist is None:
        raise NotFound(_("No such list"))
    return vlist


def follows_street(*, actor: User, street_id: int) -> bool:
    ids = street_ids_of(actor=actor)
    return ids is None or street_id in ids


@dataclass
class CommunityCounts:
    community_id: int | None
    code: str
    name: str
    rows: int
    open: int
    checked: int
    outcomes: dict[str, int]


def verification_list_counts(*, actor: User, vlist: VerificationList) -> list[CommunityCounts]:
    """Rows per community of the list (the actor's part of it), open and checked and per outcome, in one
    aggregate query; the street's unmatched rows last (community None)."""
    rows = (VerificationRow.objects.filter(_rows_visible(actor), vlist=vlist).order_by()
            .values("community_id", "community__code", "community__name")
            .annotate(rows=Count("id"), open=Count("id", filter=Q(outcome="")),
                      **{o: Count("id", filter=Q(outcome=o)) for o in OUTCOMES}))
    counts = [CommunityCounts(r["community_id"], r["community__code"] or "", r["community__name"] or "", r["rows"],
                              r["open"], r["rows"] - r["open"], {o: r[o] for o in OUTCOMES}) for r in rows]
    return sorted(counts, key=lambda c: (c.community_id is None, c.code))


# --- rows ----------------------------------------------------------------------------------------------

ROW_STATES = ("open", "checked", *OUTCOMES)


def verification_rows(*, actor: User, vlist: VerificationList | None = None, community_id: int | None = None,
                      state: str = "", after: int = 0, limit: int = 100) -> list[VerificationRow]:
    """The rows the actor sees, of one list or of all (newest list first, then by row), filtered by
    community and state (open, checked, or an outcome); bounded, and continued after a row id."""
    rows = (VerificationRow.objects.filter(_rows_visible(actor)).exclude(community__isnull=True)
            .select_related("community", "vlist", "outcome_by"))
    if vlist is not None:
        rows = rows.filter(vlist=vlist)
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    if state == "open":
        rows = rows.filter(outcome="")
    elif state == "checked":
        rows = rows.exclude(outcome="")
    elif state in OUTCOMES:
        rows = rows.filter(outcome=state)
    if vlist is not None:
        rows = rows.filter(number__gt=after).order_by("number") if after else rows.order_by("number")
        return list(rows[:limit])
    rows = rows.filter(id__lt=after) if after else rows
    return list(rows.order_by("-id")[:limit])


def verification_unmatched(*, actor: User, vlist: VerificationList, limit: int = 500) -> list[VerificationRow]:
    """The rows that stayed with the street: for those who follow the street only."""
    if not follows_street(actor=actor, street_id=vlist.street_id):
        return []
    return list(VerificationRow.objects.filter(vlist=vlist, community__isnull=True).order_by("number")[:limit])


def verification_row_get(*, actor: User, vlist: VerificationList, number: int) -> VerificationRow:
    row = (VerificationRow.objects.filter(_rows_visible(actor), vlist=vlist, number=number)
           .select_related("community", "vlist", "outcome_by").first())
    if row is None:
        raise NotFound(_("No such row"))
    return row


def street_communities(*, street_id: int) -> QuerySet[Community]:
    return Community.objects.filter(street_id=street_id).order_by("code")


def community_id_of(*, actor: User, code: str) -> int:
    """A community the actor sees, by code (the API's filter)."""
    pk = Community.objects.for_scope(scope_of(actor)).filter(code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(_("No such community in your scope"))
    return pk
