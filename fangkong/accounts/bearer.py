"""`Authorization: Bearer TOKEN` for the REST API (Ninja security classes)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from fangkong.accounts.services import token_authenticate, token_authenticate_for_scans


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

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
