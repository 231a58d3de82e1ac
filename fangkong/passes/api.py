"""Pass endpoints: list, one (with audited reveal), revoke; bans."""

from datetime import date
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import CURSOR_MAX, CURSOR_PATTERN, api_page
from fangkong.passes import selectors, services, signing
from fangkong.passes.models import Pass
from fangkong.registry.models import Community
from fangkong.registry.services import person_reveal

router = Router(tags=["passes"])
Number = Path(..., max_length=24, pattern=r"^[0-9]+$")


class PassOut(Schema):
    number: str
    kind: str
    status: str
    version: int
    valid_from: date
    valid_until: date
    community: str
    household: str | None
    holder_name: str
    holder_id_number: str
    plate: str
    gates: list[str]
    revoked_reason: str
    qr: str | None = None


class RevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, pattern=r"^[^\x00]*$")


class BanIn(Schema):
    id_number: str = Field(..., min_length=5, max_length=32, pattern=r"^[^\x00]*$")
    reason: str = Field(..., min_length=1, max_length=200, pattern=r"^[^\x00]*$")
    community: str | None = Field(None, max_length=24, pattern=r"^[^\x00]*$")


class BanOut(Schema):
    id: int
    community: str
    id_number: str
    reason: str


def _passes(request, **filters):
    return selectors.pass_list(actor=request.user, **filters).prefetch_related("gates")


def _out(p: Pass, *, with_qr: bool, id_number: str | None = None) -> dict:
    return {
        "number": p.number, "kind": p.kind, "status": p.status, "version": p.version, "valid_from": p.valid_from,
        "valid_until": p.valid_until, "community": p.community.code,
        "household": p.household.address if p.household else None, "holder_name": mask_name(p.person.name),
        "holder_id_number": id_number or p.person.id_number_masked, "plate": p.plate,
        "gates": [g.code for g in p.gates.all()], "revoked_reason": p.revoked_reason,
        "qr": signing.pass_qr(p) if with_qr else None,
    }


@router.get("/passes", response=list[PassOut],
            summary="Passes in scope; `qr` for roles that may print; `status=suspended` needs health permission")
def passes(
    request,
    response: HttpResponse,
    kind: Literal["", "resident", "temporary", "service", "vehicle"] = "",
    status: Literal["", "active", "suspended", "revoked"] = "",
    q: str = Query("", max_length=24, pattern=r"^[0-9]*$"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**7),
    cursor: str = Query("", max_length=CURSOR_MAX, pattern=CURSOR_PATTERN),
):
    rows = api_page(request, response, _passes(request, kind=kind, status=status, q=q),
                    selectors.PASS_ORDER, cursor=cursor, offset=offset, limit=limit)
    with_qr = role_can(request.user.role, Perm.PRINT_PASSES)
    return [_out(p, with_qr=with_qr) for p in rows]


@router.get("/passes/{number}", response=PassOut, summary="One pass; ?reveal=id_number shows the holder's (audited)")
def pass_detail(request, number: str = Number, reveal: Literal["", "id_number"] = ""):
    p = _passes(request).filter(number=number).first()
    if p is None:
        raise NotFound("No such pass in your scope")
    id_number = person_reveal(actor=request.user, person=p.person, field="id_number", via="api") if reveal else None
    return _out(p, with_qr=role_can(request.user.role, Perm.PRINT_PASSES), id_number=id_number)


@router.post("/passes/{number}/revoke", response=PassOut, summary="Revoke a pass at every gate")
def pass_revoke(request, body: RevokeIn, number: str = Number):
    services.pass_revoke(actor=request.user, number=number, reason=body.reason)
    p = _passes(request).get(number=number)
    return _out(p, with_qr=False)


@router.post("/bans", response={201: BanOut}, summary="Bar a person (by ID number) from a community's gates")
def ban(request, body: BanIn):
    require(request.user, Perm.REVOKE_PASSES)  # before any lookup: a refusal tells nothing of what exists
    scope = scope_of(request.user)
    communities = Community.objects.for_scope(scope)
    if body.community:
        community = communities.filter(code=body.community).first()
    else:
        options = list(communities.filter(id__in=scope.community_ids)[:2]) if not scope.is_all else []
        community = options[0] if len(options) == 1 else None
        if community is None:
            raise FieldError("community", "required", "Say which community the ban is for")
    if community is None:
        raise NotFound("No such community in your scope")
    b = services.ban_create(actor=request.user, community=community, id_number=body.id_number, reason=body.reason)
    return Status(201, {"id": b.id, "community": community.code, "id_number": b.id_number_masked, "reason": b.reason})
