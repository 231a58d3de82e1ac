"""Writes of the supplies app: movements of stock (the only way a Stock row changes) and donations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.dates import local_today
from fangkong.core.errors import Conflict, FieldError, NotFound
from fangkong.registry.models import Community, Person
from fangkong.supplies.errors import SuppliesCode
from fangkong.supplies.models import Donation, DonationLine, Item, Movement, Place, Stock

MAX_QUANTITY = 1_000_000
STORE_NAME = "社区仓库"


def store_of(community: Community) -> Place:
    """The community's store, the default place of every movement; made on first use."""
    # A stored name, not a translated label: it must not depend on the language of the first request.
    place, _created = Place.objects.get_or_create(community=community, kind=Place.Kind.STORE,
                                                  defaults={"name": STORE_NAME})
    return place


def place_create(*, actor: User, community: Community, name: str, kind: str = Place.Kind.OTHER) -> Place:
    require(actor, Perm.MANAGE_SUPPLIES)
    _check_scope(actor, community)
    if kind == Place.Kind.STORE:
        raise FieldError("kind", SuppliesCode.UNKNOWN_PLACE, _("A community has one store"))
    place, _created = Place.objects.get_or_create(community=community, name=name.strip()[:64],
                                                  defaults={"kind": kind})
    return place


def _check_scope(actor: User, community: Community) -> None:
    if not scope_of(actor).covers_community(community.id):
        raise NotFound(_("No such community in your scope"))


@dataclass(frozen=True)
class Moved:
    movement: Movement
    stock_after: int


def _move(*, actor: User, community: Community, item: Item, place: Place, quantity: int, direction: str,
          reason: str, note: str = "", donation: Donation | None = None) -> Moved:
    """One movement and its stock change, in the caller's transaction. An "out" is a conditional UPDATE
    (quantity >= n) on the stock row, so two desks issuing the last box at once cannot both succeed."""
    if not 0 < quantity <= MAX_QUANTITY:
        raise FieldError("quantity", "quantity_range", _("The quantity must be between 1 and 1,000,000"))
    allowed = Movement.IN_REASONS if direction == Movement.Direction.IN else Movement.OUT_REASONS
    if reason not in allowed:
        raise FieldError("reason", SuppliesCode.BAD_REASON, _("This reason does not fit the direction"))
    if place.community_id != community.id:
        raise FieldError("place", SuppliesCode.UNKNOWN_PLACE, _("No such place in this community"))
    if direction == Movement.Direction.IN:
        stock, _created = Stock.objects.get_or_create(item=item, place=place, defaults={"community": community})
        Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + quantity)
    else:
        updated = Stock.objects.filter(item=item, place=place, quantity__gte=quantity).update(
            quantity=F("quantity") - quantity)
        if not updated:
            raise Conflict(_("Not enough in stock for this issue"), code=SuppliesCode.INSUFFICIENT_STOCK)
    after = Stock.objects.filter(item=item, place=place).values_list("quantity", flat=True).get()
    movement = Movement.objects.create(community=community, item=item, place=place, direction=direction,
                                       reason=reason, quantity=quantity, stock_after=after, note=note[:200],
                                       by=actor, donation=donation)
    return Moved(movement, after)


def movement_record(*, actor: User, community: Community, item: Item, quantity: int, direction: str,
                    reason: str, place: Place | None = None, note: str = "") -> Moved:
    require(actor, Perm.MANAGE_SUPPLIES)
    _check_scope(actor, community)
    with transaction.atomic():
        moved = _move(actor=actor, community=community, item=item, place=place or store_of(community),
                      quantity=quantity, direction=direction, reason=reason, note=note)
        audit_record(actor=actor, action="create", object_type="supplies.movement",
                     object_id=moved.movement.pk, community_id=community.id)
    return moved


@dataclass(frozen=True)
class Line:
    item: Item
    quantity: int


def donation_record(*, actor: User, community: Community, donor_kind: str, donor_name: str,
                    lines: list[Line] | tuple = (), in_kind: str = "", public_thanks: bool = False,
                    person: Person | None = None, day: date | None = None) -> Donation:
    """A donation: its goods go into the community's store as "in" movements; help in kind is text."""
    require(actor, Perm.MANAGE_SUPPLIES)
    _check_scope(actor, community)
    donor_name = donor_name.strip()
    if donor_kind not in Donation.DonorKind.values:
        raise FieldError("donor_kind", "donor_kind", _("Unknown kind of donor"))
    if person is not None:
        if person.community_id != community.id:
            raise FieldError("person", "person", _("No such resident in this community"))
        donor_kind = Donation.DonorKind.RESIDENT
        donor_name = donor_name or person.name
    if not donor_name:
        raise FieldError("donor_name", "required", _("Give the donor's name"))
    if not lines and not in_kind.strip():
        raise FieldError("items", SuppliesCode.NO_ITEMS, _("Give the items donated or the help in kind"))
    with transaction.atomic():
        donation = Donation.objects.create(community=community, donor_kind=donor_kind, donor_name=donor_name[:64],
                                           person=person, in_kind=in_kind.strip()[:200], day=day or local_today(),
                                           receiver=actor, public_thanks=public_thanks)
        store = store_of(community)
        for line in lines:
            DonationLine.objects.create(donation=donation, item=line.item, quantity=line.quantity)
            _move(actor=actor, community=community, item=line.item, place=store, quantity=line.quantity,
                  direction=Movement.Direction.IN, reason=Movement.Reason.DONATION,
                  note=_("Donation from %(name)s") % {"name": donor_name}, donation=donation)
        audit_record(actor=actor, action="create", object_type="supplies.donation", object_id=donation.pk,
                     community_id=community.id)
    return donation


def threshold_set(*, actor: User, community: Community, item: Item, low: int) -> None:
    from fangkong.supplies.models import Threshold

    require(actor, Perm.MANAGE_SUPPLIES)
    _check_scope(actor, community)
    Threshold.objects.update_or_create(community=community, item=item, defaults={"low": max(0, low)})
