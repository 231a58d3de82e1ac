"""Pages of the helpdesk app: the office's list, detail and forms, and the resident's public form and
private follow link (no login)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page, public_page
from fangkong.accounts.roles import Perm, role_can
from fangkong.core.errors import DomainError
from fangkong.core.ratelimit import allow
from fangkong.helpdesk import selectors, services
from fangkong.helpdesk.forms import OfficeRequestForm, PublicRequestForm, StepForm
from fangkong.helpdesk.models import Request
from fangkong.registry.models import Community
from fangkong.registry.selectors import community_list

GET = ("GET", "HEAD")
FILE_LIMIT = 5  # requests filed per client and hour on the public page
FOLLOW_LIMIT = 120  # follow-link views per client and hour: tokens cannot be guessed by trying


def _put_errors(form, exc: DomainError) -> None:
    if not exc.field_errors:
        raise exc
    for e in exc.field_errors:
        form.add_error(e.field if e.field in form.fields else None, e.message)


# ---- office -------------------------------------------------------------------------------------------

@page(Perm.VIEW_REQUESTS, methods=GET)
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Request.Status.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    try:
        before = int(request.GET.get("before", "") or 0) or None
    except ValueError:
        before = None
    rows = selectors.request_list(actor=request.user, status=status, overdue=overdue, before=before,
                                  limit=selectors.PAGE_SIZE + 1)
    more = len(rows) > selectors.PAGE_SIZE
    rows = rows[:selectors.PAGE_SIZE]
    for r in rows:
        r.minutes_to_answer = selectors.minutes_between(r.received_at, r.answered_at)
    return render(request, "helpdesk/request_list.html", {
        "rows": rows, "status": status, "overdue": overdue, "statuses": Request.Status.choices,
        "next_before": rows[-1].pk if more and rows else None,
        "can_handle": role_can(request.user.role, Perm.HANDLE_REQUESTS),
    })


@page(Perm.VIEW_REQUESTS, within=Within.COMMUNITY)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get(actor=request.user, pk=pk)
    if request.method == "POST":
        step = request.POST.get("step", "")
        form = StepForm(request.POST)
        actions = {"answer": services.request_answer, "handle": services.request_handle}
        if step not in (*actions, "close"):
            messages.error(request, _("Unknown step"))
        elif form.is_valid():
            try:
                if step == "close":
                    services.request_close(actor=request.user, pk=pk, outcome=form.cleaned_data["text"])
                else:
                    actions[step](actor=request.user, pk=pk, text=form.cleaned_data["text"])
            except DomainError as exc:
                if not exc.field_errors and exc.status not in (400, 409):
                    raise
                for message in [e.message for e in exc.field_errors] or [exc.message]:
                    messages.error(request, message)
            else:
                messages.success(request, _("Saved"))
        else:
            messages.error(request, _("Write the text of this step"))
        return redirect("helpdesk:detail", pk=pk)
    return render(request, "helpdesk/request_detail.html", {
        "r": req, "can_handle": role_can(request.user.role, Perm.HANDLE_REQUESTS),
        "minutes_to_answer": selectors.minutes_between(req.received_at, req.answered_at),
        "minutes_to_close": selectors.minutes_between(req.received_at, req.closed_at),
    })


@page(Perm.HANDLE_REQUESTS)
def request_new(request: HttpRequest) -> HttpResponse:
    communities = list(community_list(actor=request.user).order_by("code")[:500])
    code = request.POST.get("community") or request.GET.get("community") or (
        communities[0].code if communities else "")
    form = OfficeRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        community = next((c for c in communities if c.code == code), None)
        if community is None:
            form.add_error(None, _("Choose a community"))
        elif form.is_valid():
            d = form.cleaned_data
            try:
                req = services.request_receive(actor=request.user, community=community, channel=d["channel"],
                                               kind=d["kind"], text=d["text"], contact=d["contact"],
                                               received_at=d["received_at"])
            except DomainError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("The request was logged"))
                return redirect("helpdesk:detail", pk=req.pk)
        status = 422
    return render(request, "helpdesk/request_new.html", {"form": form, "communities": communities, "code": code},
                  status=status)


# ---- public (no login) --------------------------------------------------------------------------------

def _private(view):
    """Keep the public pages (and the follow token) out of referrers, caches and search engines."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _public_community(code: str) -> Community:
    community = Community.objects.filter(code=code).first() if len(code) <= 24 else None
    if community is None:
        raise Http404
    return community


def _too_many(request: HttpRequest, community: Community) -> HttpResponse:
    return render(request, "helpdesk/public_limited.html", {"community": community}, status=429)


@public_page()
@_private
def public_new(request: HttpRequest, code: str) -> HttpResponse:
    community = _public_community(code)
    form = PublicRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not allow(request, "helpdesk_request", limit=FILE_LIMIT):
            return _too_many(request, community)
        if form.is_valid():
            d = form.cleaned_data
            try:
                _req, token = services.request_file_public(community=community, kind=d["kind"], text=d["text"],
                                                           contact=d["contact"])
            except DomainError as exc:
                _put_errors(form, exc)
            else:
                return redirect(reverse("helpdesk_public:follow", args=[community.code, token]) + "?new=1")
        status = 422
    return render(request, "helpdesk/public_new.html", {"community": community, "form": form}, status=status)


@public_page(methods=GET)
@_private
def public_follow(request: HttpRequest, code: str, token: str) -> HttpResponse:
    community = _public_community(code)
    if not allow(request, "helpdesk_follow", limit=FOLLOW_LIMIT):
        return _too_many(request, community)
    req = selectors.request_by_token(community_id=community.pk, token=token)
    if req is None:
        return render(request, "helpdesk/public_gone.html", {"community": community}, status=404)
    return render(request, "helpdesk/public_follow.html", {
        "community": community, "r": req, "new": request.GET.get("new") == "1",
        "overdue": req.answered_at is None and req.answer_due_at < timezone.now(),
    })
