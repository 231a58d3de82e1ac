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
from fangkong.accounts.scope import scope_of
from fangkong.core.dates import client_instant
from fangkong.core.errors import FieldError
from fangkong.core.identifiers import mask_name, normalise_plate
from fangkong.gates.errors import REASONS, GateCode
from fangkong.gates.models import Gate
from fangkong.gates.scanning import ScanOutcome, ScanRequest, gate_for_scan, scan_record
from fangkong.gates.selectors import can_see_health, scan_health, scan_list
from fangkong.passes import keys
from fangkong.passes.models import SyncEvent

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


def _request(body: ScanIn) -> ScanRequest:
    plate = normalise_plate(body.plate) if body.plate else ""
    # Absent: scanned now, online. Sent: an offline device's clock, refused when it lies ahead.
    scanned_at = None if body.scanned_at is None else client_instant(body.scanned_at, field="scanned_at")
    return ScanRequest(gate=body.gate, direction=body.direction, code=body.code, id_number=body.id_number or None,
                       temperature=body.temperature, plate=plate, client_id=body.client_id,
                       scanned_at=scanned_at, device=body.device or "")


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
        out = _out(scan_record(actor=request.user, req=_request(item)))
        out["client_id"] = item.client_id
        results.append(out)
    return {"results": results, "conflicts": sum(1 for r in results if r["conflict"])}


@router.get("/scans", response=list[ScanRecordOut],
            summary="Recorded scans, newest first; temperatures and health reasons for roles with health permission")
def scans(
    request,
    pass_number: str | None = Query(None, alias="pass", max_length=24, pattern=r"^[0-9]*$"),
    gate: str | None = Query(None, max_length=32, pattern=r"^[^\x00]*$"),
    since: Instant | None = None,
    until: Instant | None = None,
    limit: int = Query(100, ge=1, le=1000),
):
    qs = scan_list(actor=request.user, pass_number=pass_number, gate=gate, since=since, until=until)
    health = can_see_health(request.user)
    out = []
    for s in qs[:limit]:
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
    return list(Gate.objects.for_scope(scope_of(request.user)).select_related("community"))


@router.get("/gates/{code}/sync", response=SyncOut,
            summary="Revocations, bans and suspensions since version N, with the public keys, for offline gates")
def gate_sync(request, code: str = Path(..., max_length=32, pattern=r"^[^\x00/]+$"), since: int = Query(0, ge=0,
              le=2**62)):
    gate = gate_for_scan(actor=request.user, code=code)
    events = list(SyncEvent.objects.filter(community_id=gate.community_id, id__gt=since).order_by("id")[:5000])
    return {
        "version": events[-1].id if events else since,
        "events": [{"seq": e.id, "kind": e.kind, "pass_number": e.pass_number, "pass_version": e.pass_version,
                    "id_number_hash": e.id_number_hash, "at": e.at} for e in events],
        "keys": keys.public_keys_export(),
    }
