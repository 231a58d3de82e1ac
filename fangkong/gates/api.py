"""Gate endpoints: scans (single, offline batch, history), gates, and the offline sync feed."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import AfterValidator, BaseModel

from fangkong.accounts.bearer import GateDeviceBearerToken
from fangkong.core.dates import client_instant
from fangkong.core.errors import FieldError
from fangkong.core.identifiers import mask_name, normalise_plate
from fangkong.core.paging import CURSOR_MAX, CURSOR_PATTERN, api_page
from fangkong.gates.devices import device_report
from fangkong.gates.errors import REASONS, GateCode, ScanReason
from fangkong.gates.offline_feed import gate_feed, gzipped
from fangkong.gates.scanning import ScanOutcome, ScanRequest, gate_for_scan, scan_record
from fangkong.gates.selectors import (
    SCAN_ORDER,
    can_see_health,
    conflict_list,
    gate_list,
    scan_health,
    scan_list,
)

router = Router(tags=["gates"])


def _utc(value: datetime) -> datetime:
    """Aware and in UTC; offsets PostgreSQL cannot store and dates out of range become a 400."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("date out of range") from None


Instant = Annotated[datetime, AfterValidator(_utc)]
DeviceReason = Literal[tuple(r.value for r in ScanReason if r != ScanReason.HEALTH_CHECK)]  # type: ignore[valid-type]


class ScanIn(BaseModel):
    # A plain pydantic model: Ninja's Schema reads every field of the request body through its
    # DjangoGetter (made for ORM objects), about 7 % of a gate scan's instructions (docs/performance.md).
    gate: str = Field(..., min_length=1, max_length=32, pattern=r"^[^\x00]*$")
    direction: Literal["in", "out"]
    code: str = Field(..., min_length=1, max_length=200, pattern=r"^[^\x00]*$")
    id_number: str | None = Field(None, max_length=32, pattern=r"^[^\x00]*$")
    temperature: Decimal | None = Field(None, ge=30, le=45, decimal_places=1)
    plate: str | None = Field(None, max_length=16, pattern=r"^[^\x00]*$")
    client_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[^\x00]*$")
    scanned_at: Instant | None = None
    device: str | None = Field(None, max_length=64, pattern=r"^[^\x00]*$")
    # An offline device's scan (docs/offline-gate.md): the typed ID number as the device hashed it with the
    # feed's key of `id_epoch`, and what the device answered at the gate. Read only with `scanned_at`.
    id_number_hash: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{16}$")
    id_epoch: str | None = Field(None, max_length=32, pattern=r"^[0-9a-f.-]+$")
    device_decision: Literal["allow", "deny"] | None = None
    device_reasons: list[DeviceReason] = Field(default_factory=list, max_length=20)


class PassBrief(Schema):
    number: str
    kind: str
    valid_until: str


class PersonBrief(Schema):
    name: str
    id_number: str


class ScanOut(Schema):
    decision: Literal["allow", "deny"]
    reasons: list[str]
    messages: list[str]
    scan: int
    at: datetime
    replayed: bool
    conflict: bool
    pass_: PassBrief | None = Field(None, alias="pass")
    person: PersonBrief | None


class BatchIn(BaseModel):
    scans: list[ScanIn] = Field(..., min_length=1, max_length=1000)


class BatchItemOut(ScanOut):
    client_id: str | None
    device_decision: Literal["allow", "deny", ""]
    conflict_reasons: list[str]  # the server's reasons when the device allowed and the server refuses


class BatchOut(Schema):
    results: list[BatchItemOut]
    conflicts: int


class ScanRecordOut(Schema):
    id: int
    gate: str
    direction: str
    decision: str
    reasons: list[str]
    at: datetime
    scanned_at: datetime | None
    temperature: Decimal | None
    plate: str
    pass_number: str | None
    client_id: str | None
    conflict: bool


class GateOut(Schema):
    code: str
    name: str
    kind: str
    community: str = Field(..., alias="community.code")


class SyncEventOut(Schema):
    seq: int
    kind: str
    pass_number: str
    pass_version: int | None
    id_number_hash: str
    at: datetime


class PublicKeyOut(Schema):
    kid: int
    public_key: str


class SyncOut(Schema):
    version: int
    events: list[SyncEventOut]
    keys: list[PublicKeyOut]
    full: bool
    epoch: str
    id_key: str
    pass_fields: list[str]
    passes: list[list]
    removed: list[int]
    policy: dict
    day: str
    exits: dict[str, int]
    server_time: str
    gate: dict


class DeviceStatusIn(BaseModel):
    device: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    app_version: str = Field("", max_length=64, pattern=r"^[^\x00]*$")
    queue: int = Field(0, ge=0, le=10**6)
    offline_minutes_today: int = Field(0, ge=0, le=1440)
    last_sync_at: Instant | None = None
    epoch: str | None = Field(None, max_length=32, pattern=r"^[^\x00]*$")


class OkOut(Schema):
    ok: bool


class ConflictScanOut(Schema):
    id: int
    gate: str
    direction: str
    decision: str
    reasons: list[str]
    device_decision: str
    device_reasons: list[str]
    at: datetime
    scanned_at: datetime | None
    pass_number: str | None
    guard: str


class ConflictOut(ConflictScanOut):
    others: list[ConflictScanOut]
    revoked_at: datetime | None


def _request(body: ScanIn) -> ScanRequest:
    plate = normalise_plate(body.plate) if body.plate else ""
    # Absent: scanned now, online. Sent: an offline device's clock, refused when it lies ahead.
    scanned_at = None if body.scanned_at is None else client_instant(body.scanned_at, field="scanned_at")
    offline = scanned_at is not None
    return ScanRequest(gate=body.gate, direction=body.direction, code=body.code, id_number=body.id_number or None,
                       temperature=body.temperature, plate=plate, client_id=body.client_id,
                       scanned_at=scanned_at, device=body.device or "",
                       id_number_hash=body.id_number_hash if offline and not body.id_number else None,
                       id_epoch=body.id_epoch if offline else None,
                       device_decision=(body.device_decision or "") if offline else "",
                       device_reasons=list(body.device_reasons) if offline else [])


def _out(o: ScanOutcome) -> dict:
    p = o.pass_
    return {
        "decision": o.scan.decision, "reasons": o.scan.reasons, "messages": [str(REASONS[r]) for r in o.scan.reasons],
        "scan": o.scan.pk, "at": o.scan.at, "replayed": o.replayed, "conflict": o.scan.conflict,
        "pass": {"number": p.number, "kind": p.kind, "valid_until": p.valid_until.isoformat()} if p else None,
        "person": {"name": mask_name(p.person.name), "id_number": p.person.id_number_masked} if p else None,
    }


# Gate devices scan all day with one token: these two endpoints remember it for a few seconds.
_device_auth = GateDeviceBearerToken()


@router.post("/scans", response=ScanOut, by_alias=True, auth=_device_auth,
             summary="Scan a pass at a gate: allow or deny, recorded")
def scan(request, body: ScanIn, response: HttpResponse):
    # The answer is built here already in ScanOut's shape (a test holds it to the schema), so it goes
    # out as JSON without Ninja validating it once more: the same bytes, less CPU per scan. `response`
    # is Ninja's own (200, application/json; charset=utf-8).
    response.content = json.dumps(_out(scan_record(actor=request.user, req=_request(body))), cls=NinjaJSONEncoder)
    return response


@router.post("/scans/batch", response=BatchOut, by_alias=True, auth=_device_auth,
             summary="Scans made offline (each with client_id and scanned_at): idempotent, conflicts flagged")
def scan_batch(request, body: BatchIn):
    results = []
    for i, item in enumerate(body.scans):
        if not item.client_id or item.scanned_at is None:
            raise FieldError(f"scans.{i}", GateCode.CLIENT_ID_REQUIRED, "Offline scans need client_id and scanned_at")
    for item in sorted(body.scans, key=lambda s: s.scanned_at):
        outcome = scan_record(actor=request.user, req=_request(item))
        out = _out(outcome)
        out["client_id"] = item.client_id
        out["device_decision"] = item.device_decision or ""
        out["conflict_reasons"] = list(outcome.scan.reasons) if outcome.scan.conflict else []
        results.append(out)
    return {"results": results, "conflicts": sum(1 for r in results if r["conflict"])}


@router.get("/scans", response=list[ScanRecordOut],
            summary="Recorded scans, newest first; temperatures and health reasons for roles with health permission")
def scans(
    request,
    response: HttpResponse,
    pass_number: str | None = Query(None, alias="pass", max_length=24, pattern=r"^[0-9]*$"),
    gate: str | None = Query(None, max_length=32, pattern=r"^[^\x00]*$"),
    since: Instant | None = None,
    until: Instant | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**7),
    cursor: str = Query("", max_length=CURSOR_MAX, pattern=CURSOR_PATTERN),
):
    qs = scan_list(actor=request.user, pass_number=pass_number, gate=gate, since=since, until=until)
    health = can_see_health(request.user)
    out = []
    for s in api_page(request, response, qs, SCAN_ORDER, cursor=cursor, offset=offset, limit=limit,
                      descending=True):
        h = scan_health(s, health=health)
        out.append({
            "id": s.id, "gate": s.gate.code, "direction": s.direction, "decision": s.decision, "reasons": h.reasons,
            "at": s.at, "scanned_at": s.scanned_at, "temperature": h.temperature, "plate": s.plate,
            "pass_number": s.pass_ref.number if s.pass_ref else None, "client_id": s.client_id,
            "conflict": s.conflict,
        })
    return out


@router.get("/gates", response=list[GateOut], summary="Gates in scope")
def gates(request):
    return list(gate_list(actor=request.user))


@router.get("/gates/{code}/sync", response=SyncOut,
            summary="The offline gate's feed: change events and public keys since version N, and the community's "
                    "passes (full or changed since N), policy, today's exits and the ID-hash key of the epoch")
def gate_sync(request, code: str = Path(..., max_length=32, pattern=r"^[^\x00/]+$"), since: int = Query(0, ge=0,
              le=2**62), epoch: str | None = Query(None, max_length=32, pattern=r"^[^\x00]*$")):
    gate = gate_for_scan(actor=request.user, code=code)
    body = json.dumps(gate_feed(gate=gate, since=since, epoch=epoch), cls=NinjaJSONEncoder,
                      separators=(",", ":")).encode()
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return gzipped(request, response)


@router.post("/gates/{code}/devices/status", response=OkOut,
             summary="A gate device reports its state: app version, queue length, offline minutes, last sync")
def device_status(request, body: DeviceStatusIn, code: str = Path(..., max_length=32, pattern=r"^[^\x00/]+$")):
    gate = gate_for_scan(actor=request.user, code=code)
    last_sync = None if body.last_sync_at is None else client_instant(body.last_sync_at, field="last_sync_at")
    device_report(actor=request.user, gate=gate, device=body.device, app_version=body.app_version,
                  queue=body.queue, offline_minutes_today=body.offline_minutes_today, last_sync_at=last_sync,
                  epoch=body.epoch or "")
    return {"ok": True}


@router.get("/scans/conflicts", response=list[ConflictOut],
            summary="Offline scans the server refused after the device let the person through, newest first, "
                    "each with the scans or revocation it conflicts with")
def conflicts(request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10**6)):
    return [c.as_dict() for c in conflict_list(actor=request.user, limit=limit, offset=offset)]
