from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts import audit_names
from fangkong.accounts.access import page
from fangkong.accounts.bearer import BearerToken
from fangkong.accounts.errors import AccountsCode
from fangkong.accounts.forms import AuditFilterForm, LoginForm
from fangkong.accounts.roles import Perm
from fangkong.accounts.selectors import AuditFilter, audit_actors, audit_entries, audit_rows, security_alerts_open
from fangkong.accounts.services import security_alert_close as security_alert_close_service
from fangkong.core.paging import keyset_page


class LoginView(auth_views.LoginView):
    """Django's login page, with the choice to stay logged in and the lockout said on the page itself."""

    form_class = LoginForm
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(idle_hours=settings.FANGKONG_SESSION_IDLE_HOURS, **kwargs)

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        if not form.cleaned_data.get("remember"):
            # A browser-session cookie; the server still ends the session after the idle hours.
            self.request.session.set_expiry(0)
        return response

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        # django-axes marks the request when this failure reached the limit or the login was already locked.
        if getattr(self.request, "axes_locked_out", False):
            context = self.get_context_data(form=form, locked_out=True,
                                            cooloff_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
            return self.render_to_response(context, status=429)
        return super().form_invalid(form)


@page(Perm.VIEW_AUDIT, methods=("GET", "HEAD"))
def audit_log(request):
    form = AuditFilterForm(request.GET or None,
                           actors=audit_actors(actor=request.user).values_list("pk", "display_name", "username"))
    where = AuditFilter()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        where = AuditFilter(actor_id=d["actor"], person_id=d["person"], action=d["action"] or "",
                            day_from=d["day_from"], day_to=d["day_to"])
    page = keyset_page(audit_entries(actor=request.user, where=where), request.GET.get("after"), 100)
    person = None
    if where.person_id is not None:
        person = audit_names.names_of([("person", str(where.person_id))]).get(("person", str(where.person_id)))
    params = request.GET.copy()
    params.pop("after", None)
    return render(request, "accounts/audit_log.html", {
        "form": form, "rows": audit_rows(page.items), "page": page, "person": person,
        "filters": params.urlencode(), "filtered": any(v for k, v in params.items()),
        "security_alerts": list(security_alerts_open(actor=request.user)[:50]),
    })


@page(Perm.MANAGE_SECURITY, methods=("POST",))
def security_alert_close(request, pk: int):
    security_alert_close_service(actor=request.user, alert_id=pk)
    messages.success(request, _("Alert closed"))
    return redirect("accounts:audit_log")


def _session_user(request: HttpRequest):
    """The user of the request's session cookie. The API's middleware chain has no session or
    authentication middleware (fangkong/core/middleware.py), so the docs views look it up themselves."""
    if not hasattr(request, "session"):
        engine = import_module(settings.SESSION_ENGINE)
        request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    return get_user(request)


def api_docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the OpenAPI schema and its docs page (NinjaAPI's docs_decorator): a valid Bearer token or a
    logged-in session, unless FANGKONG_PUBLIC_API_DOCS. The schema tells an attacker every operation
    and parameter; the people who use it have one or the other."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if settings.FANGKONG_PUBLIC_API_DOCS or BearerToken()(request) is not None:
            return view(request, *args, **kwargs)
        if _session_user(request).is_authenticated:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"code": AccountsCode.UNAUTHENTICATED, "message": "A valid Bearer token is required"},
                                status=401)
        return redirect_to_login(request.get_full_path())

    return guarded
