"""Reads of notices, channels and messages, shared by the pages and the API."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Sum

from fangkong.accounts.scope import scope_of
from fangkong.core.errors import NotFound
from fangkong.notices.models import Channel, Message, Notice
from fangkong.registry.models import Community

PUBLIC_LIMIT = 30


def notice_list(*, actor, community: Community | None = None, limit: int = 200) -> QuerySet[Notice]:
    qs = Notice.objects.for_scope(scope_of(actor)).select_related("community")
    if community is not None:
        qs = qs.filter(community=community)
    return qs.annotate(posted=Count("postings"), copies=Sum("postings__copies")).order_by("-created_at", "-id")[:limit]


def notice_get(*, actor, pk: int) -> Notice:
    notice = Notice.objects.for_scope(scope_of(actor)).select_related("community").filter(pk=pk).first()
    if notice is None:
        raise NotFound("No such notice in your scope")
    return notice


def public_community(code: str) -> Community | None:
    return Community.objects.filter(code=code).first()


def public_notices(community: Community) -> QuerySet[Notice]:
    return (Notice.objects.filter(community=community, published_at__isnull=False)
            .order_by("-published_at", "-id")[:PUBLIC_LIMIT])


def public_notice(community: Community, pk: int) -> Notice | None:
    return Notice.objects.filter(community=community, pk=pk, published_at__isnull=False).first()


def channel_list(*, actor, community: Community | None = None) -> QuerySet[Channel]:
    qs = Channel.objects.for_scope(scope_of(actor)).select_related("community")
    if community is not None:
        qs = qs.filter(community=community)
    return qs.order_by("community__code", "name")


def channel_get(*, actor, community: Community, ref: str) -> Channel | None:
    """A channel by id or name, in the community."""
    qs = Channel.objects.for_scope(scope_of(actor)).filter(community=community, active=True)
    return (qs.filter(pk=int(ref)) if ref.isdigit() else qs.filter(name=ref)).first()


def message_list(*, actor, community: Community | None = None, status: str | None = None,
                 limit: int = 200) -> QuerySet[Message]:
    qs = Message.objects.for_scope(scope_of(actor)).select_related("channel", "community")
    if community is not None:
        qs = qs.filter(community=community)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")[:limit]


def message_get(*, actor, pk: int) -> Message:
    m = Message.objects.for_scope(scope_of(actor)).select_related("channel").filter(pk=pk).first()
    if m is None:
        raise NotFound("No such message in your scope")
    return m
