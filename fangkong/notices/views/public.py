"""The community's public home page and a notice's page: no login, phone-first, nothing personal."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import public_page
from fangkong.core.ratelimit import allow
from fangkong.notices import selectors

READS_PER_HOUR = 600  # generous: a family reads the page many times; a scraper stops here

def _link(name: str, code: str) -> str | None:
    """Another app's public page (volunteers, requests, the thank-you board), when it is mounted."""
    try:
        return reverse(name, args=[code])
    except NoReverseMatch:
        return None


def _headers(response):
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    return response


def _refuse(request, status: int, title: str, text: str):
    return _headers(render(request, "notices/public_refused.html", {"title": title, "text": text}, status=status))


def _budget(request):
    if not allow(request, "notices_public", limit=READS_PER_HOUR):
        return _refuse(request, 429, _("Too many requests"),
                       _("Too many requests from your connection. Please wait a while and try again."))
    return None


def _unknown(request):
    return _refuse(request, 404, _("Page not found"), _("There is no such community or notice."))


@public_page(methods=("GET", "HEAD"))
def home(request, code: str):
    if (refused := _budget(request)) is not None:
        return refused
    community = selectors.public_community(code)
    if community is None:
        return _unknown(request)
    return _headers(render(request, "notices/public_home.html", {
        "community": community, "notices": selectors.public_notices(community),
        "signup_url": _link("volunteers_public:signup", code), "request_url": _link("helpdesk_public:new", code),
        "thanks_url": _link("supplies_public:thanks", code),
    }))


@public_page(methods=("GET", "HEAD"))
def notice(request, code: str, pk: int):
    if (refused := _budget(request)) is not None:
        return refused
    community = selectors.public_community(code)
    item = selectors.public_notice(community, pk) if community is not None else None
    if item is None:
        return _unknown(request)
    return _headers(render(request, "notices/public_notice.html", {"community": community, "notice": item}))
