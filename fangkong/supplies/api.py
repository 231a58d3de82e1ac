"""API of the supplies app (mounted under /api/v1/ by fangkong/api.py): items, stock, movements, donations."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError
from fangkong.supplies import selectors, services
from fangkong.supplies.models import Donation, Place

router = Router(tags=["supplies"])
NO_NUL = r"^[^\x00]*$"
CODE = r"^[0-9A-Za-z_-]{1,24}$"


class ItemOut(Schema):
    code: str
    name: str
    unit: str


class StockOut(Schema):
    item: str
    place: str
    quantity: int
    unit: str
    low: bool


class MovementIn(Schema):
    community: str | None = Field(None, pattern=CODE, description="community code; default your only one")
    item: str = Field(..., min_length=1, max_length=32, pattern=NO_NUL, description="item code")
    place: str | None = Field(None, min_length=1, max_length=64, pattern=NO_NUL,
                              description="place name; default the community's store")
    quantity: int = Field(..., gt=0, le=services.MAX_QUANTITY)
    direction: Literal["in", "out"]
    reason: Literal["purchase", "allocation", "donation", "gate", "worker", "site", "used"]
    note: str = Field("", max_length=200, pattern=NO_NUL)


class MovementOut(Schema):
    id: int
    stock_after: int


class ErrorOut(Schema):
    code: str
    message: str


class DonationLineIn(Schema):
    item: str = Field(..., min_length=1, max_length=32, pattern=NO_NUL)
    quantity: int = Field(..., gt=0, le=services.MAX_QUANTITY)


class DonationIn(Schema):
    community: str | None = Field(None, pattern=CODE)
    donor_name: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL)
    donor_kind: Literal["resident", "person", "organisation"]
    items: list[DonationLineIn] = Field(default_factory=list, max_length=50)
    in_kind: str = Field("", max_length=200, pattern=NO_NUL, description="help in kind: a garage, a car, time")
    public_thanks: bool = False


class DonationOut(Schema):
    id: int
    community: str
    donor_name: str
    donor_kind: str
    day: str
    in_kind: str
    public_thanks: bool
    items: list[DonationLineIn]


@router.get("/supplies/items", response=list[ItemOut], summary="Supply items: code, name, unit")
def item_list(request):
    require(request.user, Perm.VIEW_SUPPLIES)
    return list(selectors.item_list().values("code", "name", "unit"))


@router.get("/supplies/stock", response=list[StockOut], summary="Current stock per item and place, with low flags")
def stock_list(request, community: str | None = Query(None, pattern=CODE)):
    require(request.user, Perm.VIEW_SUPPLIES)
    place = selectors.community_of(actor=request.user, code=community)
    return [{"item": s.item.code, "place": s.place.name, "quantity": s.quantity, "unit": s.item.unit,
             "low": s.low} for s in selectors.stock_list(actor=request.user, community=place)[:1000]]


@router.post("/supplies/movements", response={201: MovementOut, 409: ErrorOut},
             summary="Record a movement in or out; an out above the stock is 409 insufficient_stock")
def movement_create(request, body: MovementIn):
    require(request.user, Perm.MANAGE_SUPPLIES)
    community = selectors.community_of(actor=request.user, code=body.community)
    place: Place | None = selectors.place_get(community=community, name=body.place) if body.place else None
    moved = services.movement_record(actor=request.user, community=community, item=selectors.item_get(body.item),
                                     place=place, quantity=body.quantity, direction=body.direction,
                                     reason=body.reason, note=body.note)
    return Status(201, {"id": moved.movement.pk, "stock_after": moved.stock_after})


def _donation_out(d: Donation) -> dict:
    return {"id": d.pk, "community": d.community.code, "donor_name": d.donor_name, "donor_kind": d.donor_kind,
            "day": d.day.isoformat(), "in_kind": d.in_kind, "public_thanks": d.public_thanks,
            "items": [{"item": line.item.code, "quantity": line.quantity} for line in d.lines.all()]}


@router.post("/donations", response={201: DonationOut}, summary="Record a donation: goods into the store, "
             "help in kind as text")
def donation_create(request, body: DonationIn):
    require(request.user, Perm.MANAGE_SUPPLIES)
    community = selectors.community_of(actor=request.user, code=body.community)
    lines = []
    for n, line in enumerate(body.items):
        try:
            lines.append(services.Line(selectors.item_get(line.item), line.quantity))
        except FieldError as e:
            raise FieldError(f"items.{n}.item", e.code, e.message) from e
    donation = services.donation_record(actor=request.user, community=community, donor_kind=body.donor_kind,
                                        donor_name=body.donor_name, lines=lines, in_kind=body.in_kind,
                                        public_thanks=body.public_thanks)
    return Status(201, _donation_out(donation))
