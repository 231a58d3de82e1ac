"""Shops endpoints: merchants by kind, inspections with prices (raising price alerts), price alerts — scoped."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Path, Router, Schema, Status

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.shops import selectors, services
from fangkong.shops.models import Category, Inspection, PriceAlert

router = Router(tags=["shops"])
PK = Path(..., ge=1, le=2**62)
NO_NUL = r"^[^\x00]*$"
Kind = Literal["", "vegetables", "water", "pharmacy", "supermarket", "other"]


class MerchantOut(Schema):
    id: int
    name: str
    kind: str = Field(..., description="vegetables, water, pharmacy, supermarket or other")


class PriceIn(Schema):
    item: str = Field(..., min_length=1, max_length=32, pattern=NO_NUL)
    unit: str = Field(..., min_length=1, max_length=16, pattern=NO_NUL)
    price: Decimal = Field(..., gt=0, le=Decimal("9999999.99"), allow_inf_nan=False)


class InspectionIn(Schema):
    prices: list[PriceIn] = Field(..., min_length=1, max_length=100)
    findings: str = Field("", max_length=2000, pattern=NO_NUL)
    stock: Literal["enough", "low", "out"] = Inspection.Stock.ENOUGH
    hygiene_ok: bool = True
    protection_ok: bool = True


class PriceAlertOut(Schema):
    id: int
    merchant: int
    item: str
    unit: str
    baseline: Decimal
    price: Decimal
    percent: Decimal
    status: str
    raised_at: datetime


class InspectionCreated(Schema):
    id: int
    alerts: list[PriceAlertOut]


def _alert_out(a: PriceAlert) -> dict:
    return {"id": a.id, "merchant": a.merchant_id, "item": a.item, "unit": a.unit, "baseline": a.baseline,
            "price": a.observed, "percent": a.percent, "status": a.status, "raised_at": a.raised_at}


@router.get("/merchants", response=list[MerchantOut], summary="Merchants in scope, optionally of one kind")
def merchant_list(request, kind: Kind = ""):
    require(request.user, Perm.VIEW_SHOPS)
    rows = selectors.merchant_list(actor=request.user, category=kind)[:1000]
    return [{"id": m.id, "name": m.name, "kind": _kind(m)} for m in rows]


def _kind(m) -> str:
    return selectors.category_of(m)


@router.post("/merchants/{merchant_id}/inspections", response={201: InspectionCreated},
             summary="Record an inspection's prices; a rise above the baseline by more than the policy's percent "
                     "opens a price alert")
def inspection_create(request, body: InspectionIn, merchant_id: int = PK):
    require(request.user, Perm.MANAGE_SHOPS)  # before any lookup: a refusal tells nothing of what exists
    merchant = selectors.merchant_get(actor=request.user, merchant_id=merchant_id)
    insp, alerts = services.inspection_record(
        actor=request.user, merchant=merchant, prices=[p.dict() for p in body.prices], findings=body.findings,
        stock=body.stock, hygiene_ok=body.hygiene_ok, protection_ok=body.protection_ok)
    return Status(201, {"id": insp.id, "alerts": [_alert_out(a) for a in alerts]})


__all__ = ["Category", "router"]
