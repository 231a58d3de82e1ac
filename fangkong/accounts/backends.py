"""The login throttle's place among the authentication backends (settings.AUTHENTICATION_BACKENDS)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins over HTTP. Every login from the network (the login page, the
    admin's) comes through a form that passes the request; a call without one (a script, the test
    client's `login()`) is not an attempt anybody could repeat from outside, and axes would refuse it with
    an error: it passes on to the next backend."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
