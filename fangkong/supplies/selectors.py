"""Reads of the supplies app, shared by the pages, the API, the dashboard and the public thank-you board."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound
from fangkong.registry.models import Community
from fangkong.supplies.errors import SuppliesCode
from fangkong.supplies.models import Donation, Item, Movement, Place, Stock, Threshold


def item_list() -> QuerySet[Item]:
    return Item.objects.all()


def item_get(code: str) -> Item:
    item = Item.objects.filter(code=code).first()
    if item is None:
        raise FieldError("item", SuppliesCode.UNKNOWN_ITEM, _("Unknown supply item"))
    return item


def place_get(*, community: Community, name: str) -> Place:
    place = Place.objects.filter(community=community, name=name).first()
    if place is None:
        raise FieldError("place", SuppliesCode.UNKNOWN_PLACE, _("No such place in this community"))
    return place


def community_of(*, actor: User, code: str | None) -> Community:
    """The community named, in scope (404 otherwise), or the actor's only community."""
    communities = Community.objects.for_scope(scope_of(actor))
    if code:
        community = communities.filter(code=code).first()
        if community is None:
            raise NotFound(_("No such community in your scope"))
        return community
    found = list(communities[:2])
    if len(found) != 1:
        raise FieldError("community", SuppliesCode.COMMUNITY_REQUIRED, _("Give the community"))
    return found[0]


def _low_of():
    """The threshold in force for a stock row: the community's own, else the item's default."""
    own = Threshold.objects.filter(community_id=OuterRef("community_id"), item_id=OuterRef("item_id"))
    return Coalesce(Subquery(own.values("low")[:1]), "item__default_low", output_field=IntegerField())


def stock_list(*, actor: User, community: Community) -> QuerySet[Stock]:
    """Current stock per item and place, each with its threshold and a low flag (at or below it). The
    threshold is the community's reserve: it applies to the store, not to what a gate or site holds."""
    require(actor, Perm.VIEW_SUPPLIES)
    if not scope_of(actor).covers_community(community.id):
        raise NotFound(_("No such community in your scope"))
    return (Stock.objects.filter(community=community).select_related("item", "place")
            .annotate(threshold=_low_of())
            .annotate(low=Case(When(Q(place__kind=Place.Kind.STORE, threshold__gt=0, quantity__lte=F("threshold")),
                                    then=True),
                               default=False, output_field=BooleanField()))
            .order_by("item__order", "item__code", "place_id"))


def low_stock(*, community_ids: Iterable[int]) -> int:
    """How many items are at or below their threshold in the communities' stores (the dashboard's figure),
    one SQL count. An item never stocked has no row and is not counted: it was never held, so not "running low"."""
    ids = list(community_ids)
    store_stock = Stock.objects.filter(community_id__in=ids, place__kind=Place.Kind.STORE)
    return (store_stock.annotate(threshold=_low_of())
            .filter(threshold__gt=0, quantity__lte=F("threshold")).count())


def movement_list(*, actor: User, community: Community) -> QuerySet[Movement]:
    require(actor, Perm.VIEW_SUPPLIES)
    if not scope_of(actor).covers_community(community.id):
        raise NotFound(_("No such community in your scope"))
    return Movement.objects.filter(community=community).select_related("item", "place", "by").order_by("-id")


def donation_list(*, actor: User, community: Community) -> QuerySet[Donation]:
    require(actor, Perm.VIEW_SUPPLIES)
    if not scope_of(actor).covers_community(community.id):
        raise NotFound(_("No such community in your scope"))
    return (Donation.objects.filter(community=community).select_related("receiver")
            .prefetch_related("lines__item").order_by("-day", "-id"))


def thanks_board(*, community: Community, limit: int = 200) -> list[dict]:
    """Public: only donors who agreed to be thanked, by the name they gave; never phone, ID or person link."""
    rows = (Donation.objects.filter(community=community, public_thanks=True)
            .prefetch_related("lines__item").order_by("-day", "-id")[:limit])
    return [{"name": d.donor_name, "day": d.day, "in_kind": d.in_kind,
             "items": [f"{line.item.name} {line.quantity}{line.item.unit}" for line in d.lines.all()]}
            for d in rows]



