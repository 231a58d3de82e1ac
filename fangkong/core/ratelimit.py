"""A per-client budget for the public pages (no login): a volunteer's sign-up, a resident's request.

Counted in the cache (Redis in production, the database cache otherwise) in fixed windows, by client
address (`core.headers.client_address`, which honours the configured proxies) and by what is limited, so
a flood from one address stops there without locking out the community. Fails open when the cache is
down: a public form is worth more than a perfect count.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest

from fangkong.core.headers import client_address


def _key(scope: str, who: str, window: int) -> str:
    # The address is hashed: the cache holds no client addresses in clear.
    digest = hashlib.sha256(who.encode()).hexdigest()[:24]
    return f"fangkong:rl:{scope}:{digest}:{int(time.time()) // window}"


def allow(request: HttpRequest, scope: str, *, limit: int, window: int = 3600) -> bool:
    """Count one use of `scope` (e.g. "volunteer_signup") by this request's client; False once the client has
    used `limit` in the current window of `window` seconds."""
    key = _key(scope, client_address(request) or "unknown", window)
    try:
        if cache.add(key, 1, timeout=window + 5):
            return True
        return cache.incr(key) <= limit
    except Exception:  # the cache down: let the resident through
        return True
