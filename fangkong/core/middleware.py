"""Map domain errors raised in page views to HTTP responses, in one place."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from fangkong.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        response = TemplateResponse(
            request, "error.html", {"code": exception.code, "message": exception.message}, status=exception.status
        )
        return response.render()
