"""API of the sanitation app (mounted under /api/v1/ by fangkong/api.py): areas and their state,
disinfections, patrols — scoped (404 outside), VIEW_SANITATION to read, LOG_SANITATION to write."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError
from fangkong.sanitation import selectors, services
from fangkong.sanitation.errors import SanitationCode
from fangkong.sanitation.models import Area

router = Router(tags=["sanitation"])
PK = Path(..., ge=1, le=2**62)
NO_NUL = r"^[^\x00]*$"
CODE = r"^[^\x00/]*$"


class AreaOut(Schema):
    id: int
    community: str
    kind: str
    name: str
    building: str
    every: int
    unit: Literal["hours", "days"]
    last_at: datetime | None
    due_at: datetime
    overdue: bool
    agent: str
    dilution: str


class DisinfectionIn(Schema):
    agent: str = Field(..., min_length=1, max_length=60, pattern=NO_NUL)
    dilution: str = Field("", max_length=30, pattern=NO_NUL)
    at: datetime | None = Field(None, description="when; now if absent; never in the future")
    note: str = Field("", max_length=200, pattern=NO_NUL)


class DisinfectionOut(Schema):
    id: int
    area: int
    at: datetime
    agent: str
    dilution: str
    note: str


class PatrolIn(Schema):
    community: str | None = Field(None, max_length=24, pattern=CODE)
    kind: Literal["fire_watch", "closed_paths", "gatherings", "other"]
    area: int | None = Field(None, ge=1, le=2**62, description="area id, in the same community")
    route: str = Field("", max_length=120, pattern=NO_NUL)
    started_at: datetime
    ended_at: datetime | None = None
    findings: str = Field("", max_length=2000, pattern=NO_NUL)
    people_turned_back: int = Field(0, ge=0, le=10000)
    fire_risk: bool = False
    gathering_dispersed: bool = False


class PatrolOut(Schema):
    id: int
    community: str
    kind: str
    area: int | None
    route: str
    started_at: datetime
    ended_at: datetime | None
    findings: str
    people_turned_back: int
    fire_risk: bool
    gathering_dispersed: bool


def _area_out(a: Area) -> dict:
    return {"id": a.id, "community": a.community.code, "kind": a.kind, "name": a.name, "building": a.building,
            "every": a.every, "unit": a.unit, "last_at": a.last_at, "due_at": a.due_at, "overdue": a.overdue,
            "agent": a.last_agent, "dilution": a.last_dilution}


@router.get("/sanitation/areas", response=list[AreaOut],
            summary="Public areas in scope with their disinfection state, overdue first")
def area_list(request, community: str | None = Query(None, max_length=24, pattern=CODE),
              overdue: bool = False, limit: int = Query(500, ge=1, le=1000)):
    require(request.user, Perm.VIEW_SANITATION)
    community_id = selectors.community_of(actor=request.user, code=community).id if community else None
    rows = selectors.area_list(actor=request.user, at=timezone.now(), community_id=community_id, overdue=overdue)
    return [_area_out(a) for a in rows[:limit]]


@router.post("/sanitation/areas/{area_id}/disinfections", response={201: DisinfectionOut},
             summary="Log a disinfection of an area (now, or at a past time)")
def disinfection_create(request, body: DisinfectionIn, area_id: int = PK):
    require(request.user, Perm.LOG_SANITATION)  # before any lookup: a refusal tells nothing of what exists
    area = selectors.area_get(actor=request.user, pk=area_id)
    row = services.disinfection_log(actor=request.user, area=area, agent=body.agent, dilution=body.dilution,
                                    at=body.at, note=body.note, via="api")
    return Status(201, {"id": row.id, "area": area.id, "at": row.at, "agent": row.agent,
                        "dilution": row.dilution, "note": row.note})


@router.post("/patrols", response={201: PatrolOut}, summary="Log a patrol (fire watch, closed paths, gatherings)")
def patrol_create(request, body: PatrolIn):
    require(request.user, Perm.LOG_SANITATION)
    community = selectors.community_of(actor=request.user, code=body.community)
    area = None
    if body.area is not None:
        area = Area.objects.filter(pk=body.area, community=community).first()
        if area is None:
            raise FieldError("area", SanitationCode.UNKNOWN_AREA, _("No such area in this community"))
    p = services.patrol_log(actor=request.user, community=community, kind=body.kind, area=area, route=body.route,
                            started_at=body.started_at, ended_at=body.ended_at, findings=body.findings,
                            people_turned_back=body.people_turned_back, fire_risk=body.fire_risk,
                            gathering_dispersed=body.gathering_dispersed, via="api")
    return Status(201, {"id": p.id, "community": community.code, "kind": p.kind, "area": p.area_id,
                        "route": p.route, "started_at": p.started_at, "ended_at": p.ended_at,
                        "findings": p.findings, "people_turned_back": p.people_turned_back,
                        "fire_risk": p.fire_risk, "gathering_dispersed": p.gathering_dispersed})
