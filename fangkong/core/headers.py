"""What every answer of ours carries, static files aside: `Cache-Control: no-store`, on pages the
Content-Security-Policy, and for a logged-in session its idle expiry pushed forward; and the client's
address as our reverse proxies report it.

The middleware runs on every page and every API call, gate scans included, so its work per response is
a header write or two and a few lookups: the policy string is built once, from django-csp's
`CONTENT_SECURITY_POLICY` setting, and only a view that changed its policy with django-csp's decorators
has it rebuilt.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

# A session's expiry is pushed forward (the session saved, its cookie sent again) at most this often:
# idle means idle to within these five minutes, and a busy user costs one session write per five minutes
# instead of one per request.
SESSION_REFRESH_SECONDS = 300
SEEN = "_fk_seen"  # in the session: when its expiry was last pushed forward (Unix seconds)


class ResponseHeadersMiddleware:
    """No answer with personal data may be kept by a browser or a proxy cache, and telling dynamic answers
    apart by content would cost more than it saves: every answer that reaches this middleware (WhiteNoise
    answers static files before it) is `no-store`, unless its view chose a Cache-Control of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        headers = response.headers
        if "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        # The policy governs documents: HTML pages (the API's docs page among them). A JSON answer runs
        # nothing in a browser (and nosniff keeps it from being taken for HTML); leaving it out saves a
        # header write on every gate scan.
        if headers.get("Content-Type", "").startswith("text/html") and CSP_HEADER not in headers:
            marks = response.__dict__  # what django-csp's decorators set on a response
            if "_csp_config" in marks or "_csp_update" in marks or "_csp_replace" in marks or "_csp_exempt" in marks:
                if not marks.get("_csp_exempt"):
                    headers[CSP_HEADER] = build_policy(config=marks.get("_csp_config"),
                                                       update=marks.get("_csp_update"),
                                                       replace=marks.get("_csp_replace"))
            else:
                headers[CSP_HEADER] = self.policy
        session = request.__dict__.get("session")  # none on the API's chain (and no AttributeError raised)
        if session is not None and session.session_key is not None:
            _keep_alive(session)
        return response


def _keep_alive(session) -> None:
    """Push a logged-in session's expiry forward when the last push is older than SESSION_REFRESH_SECONDS.
    Saving the session sets its database expiry to now + SESSION_COOKIE_AGE (the idle limit) and sends
    the cookie again: with a new Max-Age when the user chose to stay logged in, still a browser-session
    cookie when not (set_expiry(0) is kept in the session)."""
    if SESSION_KEY not in session:  # anonymous, or logged out in this request
        return
    now = int(time.time())
    if now - session.get(SEEN, 0) >= SESSION_REFRESH_SECONDS:
        session[SEEN] = now


def client_address(request: HttpRequest) -> str | None:
    """The address the outermost of our FANGKONG_PROXY_HOPS proxies saw the request come from: each
    proxy appends its peer to X-Forwarded-For, so that is the entry that many places from the right.
    Entries further left are whatever the client sent and are not trusted. No proxies: REMOTE_ADDR."""
    hops = settings.FANGKONG_PROXY_HOPS
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= hops and forwarded[-hops]:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")
