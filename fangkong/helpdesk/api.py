"""API of the helpdesk app (mounted under /api/v1/ by fangkong/api.py): residents' requests, scoped."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Path, Query, Router, Schema, Status

from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound
from fangkong.helpdesk import selectors, services
from fangkong.helpdesk.errors import HelpdeskCode
from fangkong.helpdesk.models import Request
from fangkong.registry.models import Community

router = Router(tags=["helpdesk"])
PK = Path(..., ge=1, le=2**62)
NO_NUL = r"^[^\x00]*$"


class RequestIn(Schema):
    community: str | None = Field(None, max_length=24, pattern=NO_NUL,
                                  description="community code; may be omitted by a user of one community")
    channel: Literal["phone", "chat", "in_person", "public"]
    kind: Literal["message", "request", "complaint", "report"] = "request"
    text: str = Field(..., max_length=1000, pattern=NO_NUL)
    contact: str | None = Field(None, max_length=32, pattern=NO_NUL, description="the resident's phone, stored masked")


class RequestCreated(Schema):
    id: int
    status: str


class AnswerIn(Schema):
    text: str = Field(..., min_length=1, max_length=1000, pattern=NO_NUL)


class CloseIn(Schema):
    outcome: str = Field(..., min_length=1, max_length=1000, pattern=NO_NUL)


class RequestOut(Schema):
    id: int
    community: str
    channel: str
    kind: str
    status: str
    text: str
    contact: str = Field(description="masked phone, or empty")
    received_at: datetime
    answer_due_at: datetime
    answered_at: datetime | None
    handled_at: datetime | None
    closed_at: datetime | None
    answer: str
    outcome: str
    minutes_to_answer: int | None
    minutes_to_close: int | None
    overdue: bool


def _out(r: Request) -> dict:
    return {
        "id": r.pk, "community": r.community.code, "channel": r.channel, "kind": r.kind, "status": r.status,
        "text": r.text, "contact": r.phone_masked, "received_at": r.received_at, "answer_due_at": r.answer_due_at,
        "answered_at": r.answered_at, "handled_at": r.handled_at, "closed_at": r.closed_at,
        "answer": r.answer_text, "outcome": r.outcome,
        "minutes_to_answer": selectors.minutes_between(r.received_at, r.answered_at),
        "minutes_to_close": selectors.minutes_between(r.received_at, r.closed_at),
        "overdue": bool(getattr(r, "overdue", False)),
    }


def _community(request, code: str | None) -> Community:
    scope = scope_of(request.user)
    communities = Community.objects.all() if scope.is_all else Community.objects.filter(
        id__in=scope.visible_community_ids)
    if code:
        community = communities.filter(code=code).first()
        if community is None:
            raise NotFound("No such community in your scope")
        return community
    options = list(communities[:2]) if not scope.is_all else []
    if len(options) != 1:
        raise FieldError("community", HelpdeskCode.REQUIRED, "Say which community the request is for")
    return options[0]


@router.post("/requests", response={201: RequestCreated},
             summary="Log a resident's request (phone, chat, in person); its first-answer target follows the policy")
def request_create(request, body: RequestIn):
    require(request.user, Perm.HANDLE_REQUESTS)  # before any lookup
    community = _community(request, body.community)
    req = services.request_receive(actor=request.user, community=community, channel=body.channel, kind=body.kind,
                                   text=body.text, contact=body.contact or "")
    return Status(201, {"id": req.pk, "status": req.status})


@router.get("/requests", response=list[RequestOut],
            summary="Requests in scope, newest first, with answer times; overdue=1: unanswered past target")
def request_list(request, status: Literal["", "received", "answered", "handled", "closed"] = "",
                 overdue: bool = False, limit: int = Query(200, ge=1, le=500),
                 before: int | None = Query(None, ge=1, le=2**62, description="page: ids below this one")):
    return [_out(r) for r in selectors.request_list(actor=request.user, status=status, overdue=overdue,
                                                    before=before, limit=limit)]


@router.get("/requests/{req_id}", response=RequestOut, summary="One request")
def request_detail(request, req_id: int = PK):
    return _out(selectors.request_get(actor=request.user, pk=req_id))


@router.post("/requests/{req_id}/answer", response=RequestOut, summary="The first answer to the resident")
def request_answer(request, body: AnswerIn, req_id: int = PK):
    services.request_answer(actor=request.user, pk=req_id, text=body.text)
    return _out(selectors.request_get(actor=request.user, pk=req_id))


@router.post("/requests/{req_id}/handle", response=RequestOut, summary="Record how the request was handled")
def request_handle(request, body: AnswerIn, req_id: int = PK):
    services.request_handle(actor=request.user, pk=req_id, text=body.text)
    return _out(selectors.request_get(actor=request.user, pk=req_id))


@router.post("/requests/{req_id}/close", response=RequestOut, summary="Close with the outcome fed back to the resident")
def request_close(request, body: CloseIn, req_id: int = PK):
    services.request_close(actor=request.user, pk=req_id, outcome=body.outcome)
    return _out(selectors.request_get(actor=request.user, pk=req_id))
