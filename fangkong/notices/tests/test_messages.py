import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from fangkong.core.errors import FieldError, PermissionDenied
from fangkong.notices import services
from fangkong.notices.delivery import MAX_ATTEMPTS
from fangkong.notices.models import Channel, Message


def _webhook(personas, places, url):
    return services.channel_save(actor=personas["office"], community=places["home"], kind="webhook",
                                 name="居民群机器人", url=url)


def _later(minutes=120):
    return timezone.now() + timedelta(minutes=minutes)


def test_webhook_fails_then_accepts_and_the_message_is_delivered_once(personas, places, receiver,
                                                                       django_capture_on_commit_callbacks):
    receiver["plan"] = [500]
    channel = _webhook(personas, places, receiver["url"])
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=personas["office"], channel=channel, text="明日起严禁上山")
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.attempts == 1
    assert message.answer.startswith("HTTP 500") and message.next_attempt_at > timezone.now()

    # Not due yet: the sweep leaves it alone.
    assert services.messages_retry_due() == 0
    # Due: the sweep enqueues it, the receiver accepts.
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert services.messages_retry_due() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 2 and message.sent_at
    assert message.answer.startswith("HTTP 200")
    # Sweeping again and a late duplicate task send nothing more.
    assert services.messages_retry_due(now=_later(600)) == 0
    from fangkong.notices.delivery import message_attempt
    assert message_attempt(message.pk) == "skipped"
    assert len(receiver["bodies"]) == 2
    assert json.loads(receiver["bodies"][-1]) == {"msgtype": "text", "text": {"content": "明日起严禁上山"}}


def test_a_channel_that_keeps_failing_ends_failed_and_can_be_sent_again(personas, places, receiver,
                                                                         django_capture_on_commit_callbacks):
    receiver["plan"] = [500] * MAX_ATTEMPTS
    channel = _webhook(personas, places, receiver["url"])
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=personas["office"], channel=channel, text="通知")
    for _ in range(MAX_ATTEMPTS - 1):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        services.messages_retry_due()
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.attempts == MAX_ATTEMPTS
    assert Message.objects.filter(pk=message.pk).exists()  # shown as failed, never lost
    with django_capture_on_commit_callbacks(execute=True):
        services.message_retry(actor=personas["office"], message=message)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 1


def test_backoff_grows(personas, places, receiver, django_capture_on_commit_callbacks):
    receiver["plan"] = [500, 500]
    channel = _webhook(personas, places, receiver["url"])
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=personas["office"], channel=channel, text="通知")
    message.refresh_from_db()
    first = message.next_attempt_at - timezone.now()
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    services.messages_retry_due()
    message.refresh_from_db()
    assert message.next_attempt_at - timezone.now() > first


def test_unreachable_webhook_is_recorded_not_raised(personas, places, django_capture_on_commit_callbacks):
    channel = _webhook(personas, places, "http://127.0.0.1:9/nothing-here")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=personas["office"], channel=channel, text="通知")
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.answer.startswith("error")


def test_email_channel_sends_through_django_mail(personas, places, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    channel = services.channel_save(actor=personas["office"], community=places["home"], kind="email",
                                    name="楼长邮件")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=personas["office"], channel=channel, subject="蔬菜店营业时间",
                                        text="三家蔬菜店每日8点至18点营业",
                                        recipients=["a@example.org", "b@example.org"])
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.recipients == ["a@example.org", "b@example.org"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.org", "b@example.org"]
    assert mail.outbox[0].subject == "蔬菜店营业时间"


def test_email_needs_valid_recipients(personas, places):
    channel = services.channel_save(actor=personas["office"], community=places["home"], kind="email", name="邮件")
    with pytest.raises(FieldError) as e:
        services.message_send(actor=personas["office"], channel=channel, text="x", recipients=["not-an-address"])
    assert e.value.field == "recipients"
    with pytest.raises(FieldError):
        services.message_send(actor=personas["office"], channel=channel, text="x", recipients=[])
    assert not Message.objects.exists()


def test_webhook_needs_http_url_and_role(personas, places):
    with pytest.raises(FieldError):
        services.channel_save(actor=personas["office"], community=places["home"], kind="webhook", name="x",
                              url="ftp://example.org")
    channel = Channel.objects.create(community=places["home"], kind="webhook", name="y", url="http://127.0.0.1:9/")
    with pytest.raises(PermissionDenied):
        services.message_send(actor=personas["guard"], channel=channel, text="x")
