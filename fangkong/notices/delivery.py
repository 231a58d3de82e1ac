"""One attempt to deliver a message through its channel, and what follows from the channel's answer:
sent, another attempt later (backoff), or failed after MAX_ATTEMPTS — the row stays, never lost."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.notices.channels import Outcome, send_email, send_webhook
from fangkong.notices.models import Channel, Message

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (60, 300, 900, 3600)  # after the 1st, 2nd, 3rd, 4th failure


def message_attempt(message_id: int) -> str:
    """One attempt: claim the message under a row lock so two workers never send it twice."""
    with transaction.atomic():
        message = (Message.objects.select_for_update(of=("self",)).select_related("channel")
                   .filter(pk=message_id, status=Message.Status.QUEUED).first())
        if message is None:
            return "skipped"  # already sent or given up
        if message.next_attempt_at and message.next_attempt_at > timezone.now():
            return "not due"
        channel = message.channel
        if channel.kind == Channel.Kind.WEBHOOK:
            outcome = send_webhook(url=channel.url, text=message.text)
        else:
            outcome = send_email(subject=message.subject or _("Notice from your community"), text=message.text,
                                 recipients=message.recipients)
        _record(message, outcome)
        return message.status


def _record(message: Message, outcome: Outcome) -> None:
    message.attempts += 1
    message.answer = outcome.answer
    if outcome.ok:
        message.status, message.sent_at, message.next_attempt_at = Message.Status.SENT, timezone.now(), None
    elif message.attempts >= MAX_ATTEMPTS:
        message.status, message.next_attempt_at = Message.Status.FAILED, None
    else:
        delay = BACKOFF_SECONDS[min(message.attempts, len(BACKOFF_SECONDS)) - 1]
        message.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    message.save(update_fields=["attempts", "answer", "status", "sent_at", "next_attempt_at"])
