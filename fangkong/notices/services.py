"""Writing and publishing notices, recording postings, configuring channels, sending messages."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import audit_record, require
from fangkong.core.errors import FieldError
from fangkong.notices.errors import NoticeCode
from fangkong.notices.models import Channel, Message, Notice, Posting
from fangkong.notices.tasks import deliver_message


@transaction.atomic
def notice_save(*, actor, community, kind: str, title: str, body: str, notice: Notice | None = None) -> Notice:
    require(actor, Perm.MANAGE_NOTICES)
    notice = notice or Notice(community=community, author=actor)
    notice.kind, notice.title, notice.body = kind, title, body
    notice.save()
    audit_record(actor=actor, action="notice.save", object_type="notice", object_id=notice.pk,
                 community_id=notice.community_id)
    return notice


@transaction.atomic
def notice_publish(*, actor, notice: Notice, published: bool = True) -> Notice:
    require(actor, Perm.MANAGE_NOTICES)
    notice.published_at = timezone.now() if published else None
    notice.save(update_fields=["published_at", "updated_at"])
    audit_record(actor=actor, action="notice.publish" if published else "notice.withdraw", object_type="notice",
                 object_id=notice.pk, community_id=notice.community_id)
    return notice


def posting_record(*, actor, notice: Notice, place: str, posted_at: datetime, posted_by: str,
                   copies: int) -> Posting:
    require(actor, Perm.MANAGE_NOTICES)
    return Posting.objects.create(notice=notice, place=place, posted_at=posted_at, posted_by=posted_by,
                                  copies=copies, recorded_by=actor)


def channel_save(*, actor, community, kind: str, name: str, url: str = "", active: bool = True,
                 channel: Channel | None = None) -> Channel:
    require(actor, Perm.SEND_MESSAGES)
    if kind == Channel.Kind.WEBHOOK and not url.startswith(("http://", "https://")):
        raise FieldError("url", NoticeCode.BAD_RECIPIENT, _("A webhook needs an http(s) URL"))
    channel = channel or Channel(community=community)
    channel.kind, channel.name, channel.url, channel.active = kind, name, url, active
    channel.save()
    audit_record(actor=actor, action="channel.save", object_type="channel", object_id=channel.pk,
                 community_id=channel.community_id)
    return channel


def _clean_recipients(channel: Channel, recipients: list[str]) -> list[str]:
    if channel.kind == Channel.Kind.WEBHOOK:
        return []  # the group behind the robot is the recipient; the URL (a secret) is not copied here
    cleaned = []
    for r in recipients:
        try:
            validate_email(r.strip())
        except ValidationError:
            raise FieldError("recipients", NoticeCode.BAD_RECIPIENT, _("Not an e-mail address")) from None
        cleaned.append(r.strip())
    if not cleaned:
        raise FieldError("recipients", NoticeCode.NO_RECIPIENTS, _("Give at least one e-mail address"))
    return sorted(set(cleaned))


def message_send(*, actor, channel: Channel, text: str, recipients: list[str] | None = None,
                 subject: str = "") -> Message:
    """Record the message, then hand it to the task queue; the row is there whatever the channel answers."""
    require(actor, Perm.SEND_MESSAGES)
    if not channel.active:
        raise FieldError("channel", NoticeCode.UNKNOWN_CHANNEL, _("This channel is switched off"))
    cleaned = _clean_recipients(channel, recipients or [])
    with transaction.atomic():
        message = Message.objects.create(community_id=channel.community_id, channel=channel, text=text,
                                         subject=subject, recipients=cleaned, created_by=actor,
                                         next_attempt_at=timezone.now())
        audit_record(actor=actor, action="message.send", object_type="message", object_id=message.pk,
                 community_id=message.community_id)
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    deliver_message.enqueue(message_id)


def messages_retry_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Enqueue the queued messages whose next attempt is due; the worker's sweep calls this every minute."""
    now = now or timezone.now()
    due = list(Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for pk in due:
        _enqueue(pk)
    return len(due)


def message_retry(*, actor, message: Message) -> Message:
    """The office sends a failed message again: it goes back to the queue with a fresh count."""
    require(actor, Perm.SEND_MESSAGES)
    Message.objects.filter(pk=message.pk, status=Message.Status.FAILED).update(
        status=Message.Status.QUEUED, attempts=0, next_attempt_at=timezone.now())
    transaction.on_commit(lambda: _enqueue(message.pk))
    message.refresh_from_db()
    return message
