"""The API's middleware chain: the lighter locale step answers as Django's LocaleMiddleware, and /api/
requests take the short chain while pages take the whole one."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.test import RequestFactory
from django.utils import translation

from fangkong.core.internals import ShortChainHandler
from fangkong.core.middleware import SKIPPED_FOR_API, ApiFastPathMiddleware, ApiLocaleMiddleware


@pytest.mark.parametrize("cookie, accept", [
    (None, None), (None, "en"), (None, "en-GB,en;q=0.8"), (None, "zh-CN,zh;q=0.9"), (None, "fr, de;q=0.5"),
    ("en", "zh-CN"), ("zh-hans", "en"), ("xx", "en"),
])
def test_the_api_locale_step_answers_as_djangos(cookie, accept):
    def answer(middleware_class) -> tuple:
        rf = RequestFactory()
        headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
        request = rf.post("/api/v1/scans", **headers)
        if cookie:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
        with translation.override(None):
            response = middleware_class(lambda r: HttpResponse(translation.get_language()))(request)
        return request.LANGUAGE_CODE, response.content, response["Content-Language"], response["Vary"]

    assert answer(ApiLocaleMiddleware) == answer(LocaleMiddleware)


def test_api_requests_take_the_short_chain_and_pages_the_whole_one():
    seen = []
    middleware = ApiFastPathMiddleware(lambda r: seen.append("whole") or HttpResponse("page"))
    assert isinstance(middleware.api, ShortChainHandler)
    middleware.api = lambda r: seen.append("short") or HttpResponse("api")
    rf = RequestFactory()
    assert middleware(rf.get("/api/v1/gates")).content == b"api"
    assert middleware(rf.get("/accounts/login/")).content == b"page"
    assert middleware(rf.get("/apix")).content == b"page"
    assert seen == ["short", "whole", "whole"]


def test_the_short_chain_has_every_middleware_but_the_skipped_and_the_lighter_locale_step(monkeypatch):
    from fangkong.core import internals

    loaded = []
    real = internals.import_string
    monkeypatch.setattr(internals, "import_string", lambda path: loaded.append(path) or real(path))
    ApiFastPathMiddleware(lambda r: HttpResponse())
    assert "django.middleware.security.SecurityMiddleware" in loaded
    assert "fangkong.core.middleware.ApiLocaleMiddleware" in loaded
    assert "django.middleware.locale.LocaleMiddleware" not in loaded
    assert not set(loaded) & SKIPPED_FOR_API
    assert len(loaded) == len([p for p in settings.MIDDLEWARE if p not in SKIPPED_FOR_API])
