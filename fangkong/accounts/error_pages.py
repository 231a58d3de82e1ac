"""Error pages in the user's language that say what happened and what to do next: sign in (again), go
back, ask the community leader for access, the home page. Django's handlers for 400, 403, 404 and 500
(fangkong/urls.py) and, through them, every refusal a page raises (`core.middleware.DomainErrorMiddleware`
hands a `DomainError` to the handler of its status, or of 400 for the others: 409, 429).

A role that sees a street's figures but not people (the street office) opening a list of people and
their health (observation, alerts, returnees, daily changes) is told that those lists stay with the
community, and where its figures are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.urls import NoReverseMatch, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts.roles import Perm, role_can
from fangkong.core.errors import DomainError

logger = logging.getLogger(__name__)

# Pages that list people with their health or movements: for those who follow them up in the community.
PERSONAL_PERMS = frozenset({Perm.VIEW_OBSERVATION, Perm.MANAGE_OBSERVATION, Perm.FOLLOW_UP,
                            Perm.CONFIRM_RETURNEES, Perm.SCREEN, Perm.VIEW_SCANS, Perm.VIEW_HEALTH})

# Where a role that may not open those lists finds figures instead: shown when the role may open them.
FIGURES = [
    ("screening:round_list", gettext_lazy("Screening rounds and their coverage, by community and grid")),
    ("screening:changes", gettext_lazy("Daily changes")),
    ("registry:person_list", gettext_lazy("People and households, masked")),
]

TITLES = {
    400: gettext_lazy("This request cannot be done"),
    403: gettext_lazy("Your role cannot open this page"),
    404: gettext_lazy("This page or record is not here"),
    409: gettext_lazy("This cannot be done as things stand"),
    429: gettext_lazy("Paused after too many attempts"),
    500: gettext_lazy("Something went wrong on our side"),
}

EXPLANATIONS = {
    400: gettext_lazy("The page received something it could not use."),
    403: gettext_lazy("Your role does not allow this."),
    404: gettext_lazy("The address may be mistyped or out of date, or the record belongs to a place outside "
                      "your area."),
    500: gettext_lazy("The fault has been recorded. Nothing you entered on this page was saved."),
}


@dataclass(frozen=True)
class Step:
    text: str
    url: str = ""


def _same_site_referrer(request: HttpRequest) -> str:
    ref = request.headers.get("Referer", "")
    parts = urlsplit(ref)
    if not ref or (parts.netloc and parts.netloc != request.get_host()) or parts.path == request.path:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_perm(request: HttpRequest) -> Perm | None:
    """The permission the requested page declares (accounts.access), if it is a declared page."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    access = getattr(match.func, "access", None)
    return access.perm if access is not None else None


def _open_to(user, url_name: str) -> str:
    """The URL of a named page if the user's role may open it, else ""."""
    try:
        url = reverse(url_name)
        perm = _page_perm_of(url)
    except (NoReverseMatch, Resolver404):
        return ""
    return url if perm is None or role_can(user.role, perm) else ""


def _page_perm_of(url: str) -> Perm | None:
    access = getattr(resolve(url).func, "access", None)
    return access.perm if access is not None else None


def _figures_instead(request: HttpRequest) -> list[Step]:
    """For a role without the page's personal-list permission but with the street's figures: where they are."""
    user = request.user
    perm = _page_perm(request)
    if perm not in PERSONAL_PERMS or role_can(user.role, perm) or not role_can(user.role, Perm.VIEW_SCREENING):
        return []
    return [Step(str(label), url) for name, label in FIGURES if (url := _open_to(user, name))]


def _steps(request: HttpRequest, status: int) -> list[Step]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    login = f"{reverse('accounts:login')}?next={request.get_full_path()}"
    steps: list[Step] = []
    if not signed_in:
        steps.append(Step(_("Sign in, then open the page again"), login))
    elif status == 403:
        steps.append(Step(_("If your work needs this page, ask your community leader to give your account "
                            "the access.")))
        steps.append(Step(_("Sign in again as another user"), login))
    elif status == 404:
        steps.append(Step(_("Find the record from the lists or the search instead of an old link.")))
    elif status == 500:
        steps.append(Step(_("Try again in a minute. If it goes on, tell your administrator the time: %(time)s.")
                          % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}))
    else:
        steps.append(Step(_("Check what you entered and try again.")))
    back = _same_site_referrer(request)
    if back:
        steps.append(Step(_("Go back to the previous page"), back))
    steps.append(Step(_("Go to the home page"), "/"))
    return steps


def error_page(request: HttpRequest, *, status: int, message: str = "", code: str = "") -> HttpResponse:
    user = getattr(request, "user", None)
    personal = _figures_instead(request) if status == 403 and user is not None and user.is_authenticated else []
    context = {
        "status": status, "title": TITLES.get(status, TITLES[400]),
        "message": message or EXPLANATIONS.get(status, EXPLANATIONS[400]),
        "code": code, "steps": _steps(request, status), "figures": personal,
    }
    return render(request, "error.html", context, status=status)


def _from(exception, status: int) -> tuple[int, str, str]:
    if isinstance(exception, DomainError):
        return exception.status, exception.message, exception.code
    return status, "", ""


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    status, message, code = _from(exception, 400)
    return error_page(request, status=status, message=message, code=code)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    status, message, code = _from(exception, 403)
    return error_page(request, status=status, message=message, code=code)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    status, message, code = _from(exception, 404)
    return error_page(request, status=status, message=message, code=code)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return error_page(request, status=500)
    except Exception:  # the page itself failed (the database is down): a plain page rather than none
        logger.exception("the error page could not be rendered")
        return HttpResponseServerError(
            "<!doctype html><html><head><meta charset='utf-8'><title>500</title></head><body><h1>"
            + _("Something went wrong on our side") + "</h1><p>" + _("Try again in a minute.")
            + "</p><p><a href='/'>" + _("Go to the home page") + "</a></p></body></html>")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its page went stale (the session ended, or the page was open for too long)."""
    return error_page(request, status=403, message=_(
        "This form was sent from a page that has gone stale, perhaps because you were signed out. Open the "
        "page again (sign in if asked) and send the form once more."))
