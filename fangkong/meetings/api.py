"""API of the meetings app (mounted under /api/v1/ by fangkong/api.py): the twice-daily briefings, their
action items, the meetings and the plans — scoped, no personal data beyond names of owners and attendees."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Path, Query, Router, Schema, Status

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.meetings import selectors, services
from fangkong.meetings.models import ActionItem
from fangkong.registry.selectors import community_get
from fangkong.screening.api import ClientDate

router = Router(tags=["meetings"])
PK = Path(..., ge=1, le=2**62)
NO_NUL = r"^[^\x00]*$"
CODE = Query(..., min_length=1, max_length=24, pattern=NO_NUL)


class ActionOut(Schema):
    id: int
    text: str
    owner: str | None
    due: date | None
    done: bool


class OpenActionOut(ActionOut):
    community: str
    briefing: int | None
    meeting: int | None
    overdue: bool


class BriefingOut(Schema):
    id: int
    kind: Literal["morning", "evening"]
    date: date
    community: str
    period_start: datetime
    period_end: datetime
    facts: dict
    minutes: str
    actions: list[ActionOut]


class ActionIn(Schema):
    text: str = Field(..., min_length=1, max_length=500, pattern=NO_NUL)
    owner: str | None = Field(None, max_length=150, pattern=NO_NUL, description="username of a user of the community")
    due: ClientDate | None = None


class DoneIn(Schema):
    done: bool = True


class DoneOut(Schema):
    id: int
    done: bool


class MeetingOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    held_at: datetime
    place: str
    invited: int
    present: int


class PlanOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    version: int | None
    updated_at: datetime | None


def _action(item: ActionItem) -> dict:
    return {"id": item.pk, "text": item.text, "owner": item.owner.username if item.owner else None,
            "due": item.due, "done": item.done}


@router.get("/briefings", response=list[BriefingOut],
            summary="A community's morning and evening briefings (一日两会) of a day (today by default), generated "
                    "on first request from what happened since the previous one")
def briefing_list(request, community: str = CODE, date: ClientDate | None = None):
    require(request.user, Perm.VIEW_MEETINGS)  # before any lookup
    c = community_get(actor=request.user, code=community)
    briefings = services.briefings_of_day(actor=request.user, community=c, day=date or local_today())
    actions = selectors.briefing_actions(briefings=briefings)
    return [{"id": b.pk, "kind": b.kind, "date": b.date, "community": c.code, "period_start": b.period_start,
             "period_end": b.period_end, "facts": b.facts, "minutes": b.minutes,
             "actions": [_action(a) for a in actions[b.pk]]} for b in briefings]


@router.post("/briefings/{briefing_id}/actions", response={201: ActionOut},
             summary="Add an action item to a briefing (owner: a username of the community; due: a date)")
def briefing_action_add(request, body: ActionIn, briefing_id: int = PK):
    require(request.user, Perm.EDIT_MEETINGS)
    briefing = selectors.briefing_get(actor=request.user, pk=briefing_id)
    item = services.action_add(actor=request.user, briefing=briefing, text=body.text, owner=body.owner,
                               due=body.due, via="api")
    return Status(201, _action(item))


@router.post("/actions/{action_id}/done", response=DoneOut,
             summary="Tick an action item done (or not done with {\"done\": false}): editors or the action's owner")
def action_done(request, action_id: int = PK, body: DoneIn | None = None):
    require(request.user, Perm.VIEW_MEETINGS)
    item = selectors.action_get(actor=request.user, pk=action_id)
    item = services.action_done(actor=request.user, action=item, done=(body or DoneIn()).done, via="api")
    return {"id": item.pk, "done": item.done}


@router.get("/actions", response=list[OpenActionOut],
            summary="Action items in scope with their owners, the caller's first: the open ones (open=1, the "
                    "default) or all (open=0, done ones last)")
def action_list(request, open: bool = True, limit: int = Query(500, ge=1, le=500)):
    today = local_today()
    return [{**_action(a), "community": a.community.code, "briefing": a.briefing_id, "meeting": a.meeting_id,
             "overdue": a.due is not None and a.due < today}
            for a in selectors.actions_open(actor=request.user, limit=limit, open_only=open)]


@router.get("/meetings", response=list[MeetingOut], summary="Meetings in scope, latest first")
def meeting_list(request, limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=10**7)):
    rows = selectors.meeting_list(actor=request.user)[offset:offset + limit]
    return [{"id": m.pk, "community": m.community.code, "kind": m.kind, "title": m.title, "held_at": m.held_at,
             "place": m.place, "invited": m.invited, "present": m.present} for m in rows]


@router.get("/plans", response=list[PlanOut], summary="Working and emergency plans in scope, with their latest version")
def plan_list(request, community: str | None = Query(None, min_length=1, max_length=24, pattern=NO_NUL)):
    require(request.user, Perm.VIEW_MEETINGS)
    cid = community_get(actor=request.user, code=community).id if community else None
    return [{"id": p.pk, "community": p.community.code, "kind": p.kind, "title": p.title, "version": p.latest,
             "updated_at": p.updated_at} for p in selectors.plan_list(actor=request.user, community_id=cid)]
