"""`Authorization: Bearer TOKEN` for the REST API (Ninja security classes)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from fangkong.accounts.services import token_authenticate, token_authenticate_for_scans
from fangkong.core.internals import bearer_credentials


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest):
        # As HttpBearer.__call__, reading the one header from META (core.internals says why).
        token = bearer_credentials(request, self.openapi_scheme)
        return None if token is None else self.authenticate(request, token)

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
