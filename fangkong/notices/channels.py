"""Channels that carry a message out: e-mail through Django's mail backend, and a group robot's webhook
(WeCom and DingTalk accept {"msgtype": "text", "text": {"content": ...}} as a JSON POST)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Outcome:
    ok: bool
    answer: str  # HTTP status and a short body, or the mail backend's count; kept on the message


def send_email(*, subject: str, text: str, recipients: list[str]) -> Outcome:
    try:
        count = send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception as exc:  # any backend error is an answer to record, and a reason to retry
        return Outcome(False, f"error: {type(exc).__name__}"[:300])
    return Outcome(count > 0, f"sent to {len(recipients)}" if count else "not sent")


def send_webhook(*, url: str, text: str) -> Outcome:
    data = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=data, method="POST",  # noqa: S310 -- an http(s) URL checked by the form
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310
            body = resp.read(200).decode("utf-8", "replace")
            status = resp.status
    except urllib.error.HTTPError as exc:
        return Outcome(False, f"HTTP {exc.code} {exc.read(200).decode('utf-8', 'replace')}"[:300])
    except (urllib.error.URLError, OSError) as exc:
        return Outcome(False, f"error: {type(exc).__name__}"[:300])
    # The robots answer 200 with {"errcode": 0} when they accept; another errcode is a refusal.
    ok = 200 <= status < 300
    try:
        ok = ok and json.loads(body or "{}").get("errcode", 0) == 0
    except (ValueError, AttributeError):
        pass
    return Outcome(ok, f"HTTP {status} {body}"[:300])
