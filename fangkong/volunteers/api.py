"""API of the volunteers app (mounted under /api/v1/ by fangkong/api.py): the vetting list, masked."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Path, Query, Router, Schema

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.volunteers import selectors, services

router = Router(tags=["volunteers"])

PK = Path(..., ge=1, le=2**62)


class VolunteerOut(Schema):
    id: int
    community: str
    name: str
    phone_masked: str
    id_number_masked: str
    skills: list[str]
    skills_text: str
    availability: str
    party_member: bool
    veteran: bool
    resident_representative: bool
    status: str
    decline_reason: str
    created_at: datetime


class DeclineIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, pattern=r"^[^\x00]*$")


def _out(v) -> VolunteerOut:
    return VolunteerOut(id=v.pk, community=v.community.code, name=v.name, phone_masked=v.phone_masked,
                        id_number_masked=v.id_number_masked, skills=v.skills, skills_text=v.skills_text,
                        availability=v.availability, party_member=v.party_member, veteran=v.veteran,
                        resident_representative=v.resident_representative, status=v.status,
                        decline_reason=v.decline_reason, created_at=v.created_at)


@router.get("/volunteers", response=list[VolunteerOut],
            summary="Volunteers' sign-ups in scope, those awaiting vetting first; phone and ID number masked")
def volunteer_list(request, status: Literal["", "pending", "accepted", "declined"] = "",
                   limit: int = Query(200, ge=1, le=500)):
    return [_out(v) for v in selectors.volunteer_list(actor=request.user, status=status, limit=limit)]


@router.post("/volunteers/{volunteer_id}/accept", response=VolunteerOut, summary="Accept a pending sign-up")
def volunteer_accept(request, volunteer_id: int = PK):
    require(request.user, Perm.MANAGE_VOLUNTEERS)  # before any lookup: a refusal tells nothing of what exists
    v = selectors.volunteer_get(actor=request.user, pk=volunteer_id)
    services.volunteer_accept(actor=request.user, volunteer=v, via="api")
    return _out(selectors.volunteer_get(actor=request.user, pk=volunteer_id))


@router.post("/volunteers/{volunteer_id}/decline", response=VolunteerOut,
             summary="Decline a pending sign-up, with a reason")
def volunteer_decline(request, body: DeclineIn, volunteer_id: int = PK):
    require(request.user, Perm.MANAGE_VOLUNTEERS)
    v = selectors.volunteer_get(actor=request.user, pk=volunteer_id)
    services.volunteer_decline(actor=request.user, volunteer=v, reason=body.reason, via="api")
    return _out(selectors.volunteer_get(actor=request.user, pk=volunteer_id))
