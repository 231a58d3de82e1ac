"""Who may open a page, declared next to the view: the decorator enforces it and the authorisation
matrix test reads it (`view.access`) to know what every persona must get from every named URL.

    @page(Perm.VIEW_REGISTRY, within=Within.GRID)
    def person_detail(request, pk): ...

- anonymous → the login page (a public page: anyone);
- a role without `perm` → 403, before anything is read;
- an object outside the user's scope → 404 (the view's scoped selector raises `NotFound`);
- a method the page does not take → 405.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require


class Within(StrEnum):
    """Where the object named in the URL lives; decides who gets 404 rather than the page."""

    NOTHING = "nothing"  # no object in the URL: a list or form, scoped to the user
    STREET = "street"  # an object of a street (an observation site)
    COMMUNITY = "community"  # an object of a community as a whole (a gate, a round, the policy page)
    GRID = "grid"  # an object in one grid (a person, a household, an observation)
    OWN = "own"  # something the user made themselves (an import or issue job)
    TOKEN = "token"  # noqa: S105 -- a personal link: the token in the URL is the permission


@dataclass(frozen=True)
class Access:
    perm: Perm | None  # None: any signed-in user (or anyone, when public)
    methods: tuple[str, ...]
    within: Within
    public: bool = False


View = Callable[..., HttpResponse]


def page(perm: Perm | None, *, within: Within = Within.NOTHING, methods: tuple[str, ...] = ("GET", "HEAD", "POST"),
         ) -> Callable[[View], View]:
    """A signed-in page that needs `perm`."""
    return _declare(Access(perm=perm, methods=methods, within=within))


def public_page(*, methods: tuple[str, ...] = ("GET", "HEAD", "POST")) -> Callable[[View], View]:
    """A page without login, reached by a personal link whose token is checked by the view."""
    return _declare(Access(perm=None, methods=methods, within=Within.TOKEN, public=True))


def _declare(access: Access) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not access.public and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.method not in access.methods:
                return HttpResponseNotAllowed(access.methods)
            if access.perm is not None:
                require(request.user, access.perm)
            return view(request, *args, **kwargs)

        checked.access = access  # type: ignore[attr-defined]
        return checked

    return decorate
