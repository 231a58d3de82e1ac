"""Notices and messages endpoints (mounted under /api/v1/ by fangkong/api.py): scoped, thin."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError
from fangkong.notices import selectors, services
from fangkong.notices.errors import NoticeCode
from fangkong.registry.selectors import community_get, community_list

router = Router(tags=["notices"])
CODE = r"^[0-9A-Za-z_-]{1,24}$"
NO_NUL = r"^[^\x00]*$"


class NoticeOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    body: str
    published_at: datetime | None


class MessageIn(Schema):
    community: str | None = Field(None, pattern=CODE, description="community code; may be omitted by "
                                  "someone with one community")
    channel: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL, description="channel id or name")
    text: str = Field(..., min_length=1, max_length=4000, pattern=NO_NUL)
    subject: str = Field("", max_length=120, pattern=NO_NUL)
    recipients: list[str] = Field(default_factory=list, max_length=200,
                                  description="e-mail addresses, for an e-mail channel")


class MessageOut(Schema):
    id: int
    status: str


def _community(request, code: str | None):
    if code:
        return community_get(actor=request.user, code=code)
    communities = list(community_list(actor=request.user)[:2])
    if len(communities) != 1:
        raise FieldError("community", NoticeCode.UNKNOWN_CHANNEL, _("Say which community"))
    return communities[0]


@router.get("/notices", response=list[NoticeOut], summary="Notices of your communities (or of one), newest first")
def notice_list(request, community: str | None = Query(None, pattern=CODE),
                published: bool | None = None, limit: int = Query(100, ge=1, le=200)):
    require(request.user, Perm.MANAGE_NOTICES)
    place = community_get(actor=request.user, code=community) if community else None
    qs = selectors.notice_list(actor=request.user, community=place, limit=limit)
    return [{"id": n.pk, "community": n.community.code, "kind": n.kind, "title": n.title, "body": n.body,
             "published_at": n.published_at} for n in qs
            if published is None or (n.published_at is not None) == published]


@router.post("/messages", response={201: MessageOut}, summary="Send a message through a channel (queued; "
             "retried with backoff; status queued → sent or failed)")
def message_create(request, body: MessageIn):
    require(request.user, Perm.SEND_MESSAGES)  # 403 before the community is looked up
    community = _community(request, body.community)
    channel = selectors.channel_get(actor=request.user, community=community, ref=body.channel)
    if channel is None:
        raise FieldError("channel", NoticeCode.UNKNOWN_CHANNEL, _("No such channel in this community"))
    message = services.message_send(actor=request.user, channel=channel, text=body.text, subject=body.subject,
                                    recipients=body.recipients)
    message.refresh_from_db(fields=["status"])
    return Status(201, {"id": message.pk, "status": message.status})
