"""Middleware: domain errors in page views, and a shorter middleware chain for the token-authenticated API."""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import get_resolver, get_urlconf
from django.utils import translation
from django.utils.cache import patch_vary_headers

from fangkong.core.errors import DomainError
from fangkong.core.internals import ShortChainHandler

API_PREFIX = "/api/"

# What an /api/ request never needs: the API authenticates with a Bearer token (django-ninja's
# BearerToken, csrf=False), so sessions, CSRF cookies, the session user, flash messages and htmx
# headers do nothing for it, and WhiteNoise serves only /static/. Everything else in MIDDLEWARE
# (security headers, locale, Content-Length, X-Frame-Options, and whatever is added later) still runs.
SKIPPED_FOR_API = frozenset({
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fangkong.core.middleware.DomainErrorMiddleware",
    "fangkong.core.middleware.ApiFastPathMiddleware",
})
# ...and what it takes in a lighter form.
REPLACED_FOR_API = {"django.middleware.locale.LocaleMiddleware": "fangkong.core.middleware.ApiLocaleMiddleware"}


class ApiLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware where no URL carries a language prefix (no i18n_patterns, as here):
    the language comes from the cookie or Accept-Language, and the response says which, with the same
    Vary and Content-Language. Django's looks in the path for a language twice a request, each time
    failing on "api" through a lookup whose failures are not cached: about 5 % of a gate scan's
    instructions (docs/performance.md)."""

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        self.plain = not is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]

    def process_request(self, request: HttpRequest) -> None:
        if not self.plain or hasattr(request, "urlconf"):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not self.plain or hasattr(request, "urlconf"):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class ApiFastPathMiddleware:
    """First in MIDDLEWARE: /api/ requests take a chain without the middleware in SKIPPED_FOR_API, and
    everything else the full one. About 5 % fewer instructions a gate scan (docs/performance.md)."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        # Django's own handling (URL resolving, view, exception middleware) behind the shorter chain.
        paths = [REPLACED_FOR_API.get(p, p) for p in settings.MIDDLEWARE if p not in SKIPPED_FOR_API]
        self.api = ShortChainHandler(paths)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return self.api(request)
        return self.get_response(request)


class DomainErrorMiddleware:
    """Map domain errors raised in page views to error pages, in one place: the URL configuration's handler
    for the error's status (handler403, handler404; handler400 for the others, which it answers with their
    own status), so every error page says the same things whether Django or a refusal raised it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX) or not isinstance(exception, DomainError):
            return None
        handler = get_resolver(get_urlconf()).resolve_error_handler(
            exception.status if exception.status in (403, 404) else 400)
        response = handler(request, exception)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
