"""Pages of the volunteers app: the public sign-up (no login) and the office's vetting, logins, shifts, tasks."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page, public_page
from fangkong.accounts.roles import Perm, role_can
from fangkong.core import ratelimit
from fangkong.core.errors import DomainError
from fangkong.registry.models import Community
from fangkong.volunteers import selectors, services
from fangkong.volunteers.forms import DeclineForm, ShiftForm, SignUpForm, TaskForm
from fangkong.volunteers.models import Volunteer

SIGNUP_LIMIT = 5  # sign-ups per client address and hour


def _put_errors(form, exc: DomainError) -> None:
    if not exc.field_errors:
        raise exc
    for e in exc.field_errors:
        form.add_error(e.field if e.field in form.fields else None, e.message)


@public_page()
def signup(request, code: str):
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise Http404
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not ratelimit.allow(request, "volunteer_signup", limit=SIGNUP_LIMIT):
            return render(request, "volunteers/too_many.html", {"community": community}, status=429)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.volunteer_signup(community=community, data=services.SignUp(**d))
            except DomainError as exc:
                _put_errors(form, exc)
            else:
                return redirect(request.path + "?sent=1")
        status = 422
        # Never echo the ID number back, not even into the field: the resident types it again.
        form.data = form.data.copy()
        form.data["id_number"] = ""
    response = render(request, "volunteers/signup.html", {
        "community": community, "form": form, "sent": request.GET.get("sent") == "1"}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@page(Perm.VIEW_VOLUNTEERS)
def volunteer_list(request):
    status = request.GET.get("status", "")
    if status not in Volunteer.Status.values:
        status = ""
    rows = selectors.volunteer_list(actor=request.user, status=status)
    return render(request, "volunteers/list.html", {"rows": rows, "status": status,
                                                    "statuses": Volunteer.Status.choices})


@page(Perm.VIEW_VOLUNTEERS, within=Within.COMMUNITY)
def volunteer_detail(request, pk: int):
    return _detail(request, selectors.volunteer_get(actor=request.user, pk=pk))


def _detail(request, v: Volunteer, password: dict | None = None):
    can_manage = role_can(request.user.role, Perm.MANAGE_VOLUNTEERS)
    can_roster = role_can(request.user.role, Perm.MANAGE_ROSTER)
    return render(request, "volunteers/detail.html", {
        "v": v, "hours": selectors.volunteer_hours(volunteer=v), "tasks": v.tasks.all()[:100],
        "shifts": selectors.volunteer_shifts(volunteer=v), "can_manage": can_manage, "can_roster": can_roster,
        "open_shifts": selectors.open_shifts(volunteer=v) if can_roster and v.user_id else [],
        "decline_form": DeclineForm(), "task_form": TaskForm(),
        "password": password,
    })


def _back(v: Volunteer):
    return redirect(reverse("volunteers:detail", args=[v.pk]))


@page(Perm.MANAGE_VOLUNTEERS, within=Within.COMMUNITY, methods=("POST",))
def volunteer_accept(request, pk: int):
    v = services.volunteer_accept(actor=request.user, volunteer=selectors.volunteer_get(actor=request.user, pk=pk))
    messages.success(request, _("%(name)s is accepted as a volunteer") % {"name": v.name})
    return _back(v)


@page(Perm.MANAGE_VOLUNTEERS, within=Within.COMMUNITY, methods=("POST",))
def volunteer_decline(request, pk: int):
    v = selectors.volunteer_get(actor=request.user, pk=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the sign-up is declined"))
        return _back(v)
    services.volunteer_decline(actor=request.user, volunteer=v, reason=form.cleaned_data["reason"])
    return _back(v)


@page(Perm.MANAGE_VOLUNTEERS, within=Within.COMMUNITY, methods=("POST",))
def volunteer_login(request, pk: int):
    v = selectors.volunteer_get(actor=request.user, pk=pk)
    user, password = services.volunteer_login_create(actor=request.user, volunteer=v)
    # Shown once, in this answer only: never stored in clear (not in the session either), never cached.
    response = _detail(request, selectors.volunteer_get(actor=request.user, pk=pk),
                       password={"username": user.username, "password": password})
    response["Cache-Control"] = "no-store"
    return response


@page(Perm.MANAGE_ROSTER, within=Within.COMMUNITY, methods=("POST",))
def volunteer_shift(request, pk: int):
    v = selectors.volunteer_get(actor=request.user, pk=pk)
    form = ShiftForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_shift_assign(actor=request.user, volunteer=v, shift_pk=form.cleaned_data["shift"])
        except DomainError as exc:
            if not exc.field_errors:
                raise
            for e in exc.field_errors:
                messages.error(request, e.message)
    return _back(v)


@page(Perm.MANAGE_VOLUNTEERS, within=Within.COMMUNITY, methods=("POST",))
def volunteer_task(request, pk: int):
    v = selectors.volunteer_get(actor=request.user, pk=pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        services.task_add(actor=request.user, volunteer=v, title=d["title"], when=d["when"], hours=d["hours"])
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
    return _back(v)


@page(Perm.MANAGE_VOLUNTEERS, within=Within.COMMUNITY, methods=("POST",))
def task_done(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    services.task_done(actor=request.user, task=task)
    return _back(task.volunteer)
