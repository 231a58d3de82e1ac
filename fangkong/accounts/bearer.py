"""`Authorization: Bearer TOKEN` for the REST API (Ninja security classes)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from fangkong.accounts.services import token_authenticate, token_authenticate_for_scans


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest):
        # As HttpBearer.__call__, reading the one header from META: `request.headers` builds a
        # dictionary of every header first, 4 % of a gate scan's CPU. Nor is a malformed header
        # logged: it may be somebody's token.
        parts = request.META.get("HTTP_AUTHORIZATION", "").split(" ")
        if len(parts) < 2 or parts[0].lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, " ".join(parts[1:]))

    def authenticate(self, request: HttpRequest, token: str):
        user = self.lookup(token)
        if user is not None:
            request.user = user
        return user

    @staticmethod
    def lookup(token: str):
        return token_authenticate(token)


class GateDeviceBearerToken(BearerToken):
    """The same token, remembered for a few seconds per process: for the gate-scan endpoints only
    (accounts.services.token_authenticate_for_scans)."""

    @staticmethod
    def lookup(token: str):
        return token_authenticate_for_scans(token)
