"""Background jobs of the notices app, run by `fangkong worker`."""

from __future__ import annotations

from django_tasks import task

from fangkong.notices.delivery import message_attempt


@task()
def deliver_message(message_id: int) -> str:
    return message_attempt(message_id)
