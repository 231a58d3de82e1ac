"""Ledger exports over the API: request one (202, run on the task queue), follow it, download the file;
and the ledgers a user may export with their layouts in force."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema, Status

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.errors import NotFound
from fangkong.ledgers import selectors, services
from fangkong.ledgers.models import Export
from fangkong.registry.models import Street
from fangkong.registry.selectors import community_get
from fangkong.screening.api import ClientDate

router = Router(tags=["ledgers"])
PK = Path(..., ge=1, le=2**62)
CODE = r"^[0-9A-Za-z_-]{1,24}$"

LedgerKey = Literal["returnees", "key_area_inflow", "daily_report", "observation", "visitors", "gate_log"]


class ExportIn(Schema):
    ledger: LedgerKey
    community: str | None = Field(None, pattern=CODE, description="community code; omitted for a street's "
                                  "roll-up (daily_report) by a street office: its street")
    street: str | None = Field(None, pattern=CODE, description="street code, for a street ledger")
    date_from: ClientDate
    date_to: ClientDate
    masked: bool | None = Field(None, description="mask ID numbers and phones even when the role may reveal them")


class ExportAccepted(Schema):
    id: int
    status: str
    progress: int
    password: str | None = Field(None, description="only when the file is encrypted: shown this once")


class ExportOut(Schema):
    id: int
    ledger: str
    community: str | None
    street: str | None
    date_from: date
    date_to: date
    status: Literal["queued", "running", "done", "failed", "expired"]
    progress: int
    rows: int
    masked: bool
    encrypted: bool
    requested_by: str | None
    requested_at: datetime
    expires_at: datetime | None
    filename: str
    error: str


class ColumnOut(Schema):
    key: str
    header: str
    group: str
    kind: str


class LedgerOut(Schema):
    key: str
    name: str
    level: str
    title: str
    columns: list[ColumnOut]


def _out(export: Export) -> dict:
    return {
        "id": export.pk, "ledger": export.ledger,
        "community": export.community.code if export.community_id else None,
        "street": export.street.code if export.street_id else None,
        "date_from": export.date_from, "date_to": export.date_to, "status": export.status,
        "progress": export.progress, "rows": export.rows, "masked": export.masked, "encrypted": export.encrypted,
        "requested_by": export.requested_by.username if export.requested_by_id else None,
        "requested_at": export.requested_at, "expires_at": export.expires_at, "filename": export.filename,
        "error": export.error,
    }


def _street(code: str | None) -> Street | None:
    if not code:
        return None
    street = Street.objects.filter(code=code).first()
    if street is None:
        raise NotFound(_("No such street in your scope"))
    return street


@router.post("/exports", response={202: ExportAccepted}, exclude_none=True,
             summary="Export a ledger as xlsx (queued; poll GET /exports/{id})")
def export_create(request, body: ExportIn):
    require(request.user, Perm.EXPORT_LEDGERS)  # before the community is looked up: 403, not 404
    community = community_get(actor=request.user, code=body.community) if body.community else None
    export, password = services.export_request(
        actor=request.user, ledger=body.ledger, community=community, street=_street(body.street),
        date_from=body.date_from, date_to=body.date_to, masked=body.masked, via="api")
    return Status(202, {"id": export.pk, "status": export.status, "progress": export.progress,
                        "password": password})


@router.get("/exports", response=list[ExportOut], summary="Your exports (a community leader: also your "
            "communities' exports), newest first")
def export_list(request, limit: int = Query(50, ge=1, le=200)):
    return [_out(e) for e in selectors.export_list(actor=request.user)[:limit]]


@router.get("/exports/{export_id}", response=ExportOut, summary="One export: status, progress, rows, expiry")
def export_detail(request, export_id: int = PK):
    return _out(selectors.export_get(actor=request.user, pk=export_id))


@router.get("/exports/{export_id}/file", response={200: None}, summary="The xlsx of a finished export "
            "(its exporter and the community's leaders; 410 once expired)")
def export_file(request, export_id: int = PK):
    export, path = services.export_file_open(actor=request.user, pk=export_id, via="api")
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/ledgers", response=list[LedgerOut], summary="The ledgers you may export, with the layout in "
            "force for a community (or your street)")
def ledger_list(request, community: str | None = Query(None, pattern=CODE)):
    place = community_get(actor=request.user, code=community) if community else None
    answer = []
    for key, name in selectors.ledger_choices(actor=request.user):
        layout = selectors.ledger_layout_effective(ledger=key, community=place)
        answer.append({"key": key, "name": name, "level": selectors.ledger_level(key), "title": layout.title,
                       "columns": [{"key": c.key, "header": h, "group": c.group, "kind": str(c.kind)}
                                   for c, h in layout.columns]})
    return answer
