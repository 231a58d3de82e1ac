"""Pages of the sanitation app: areas and their state (one tap to log a disinfection), the log, patrols."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import DomainError
from fangkong.registry.models import Community
from fangkong.sanitation import selectors, services
from fangkong.sanitation.forms import AreaForm, DisinfectionForm, PatrolForm


def _put_errors(form: forms.BaseForm, exc: DomainError) -> None:
    """A service's field errors onto the form; a refusal of the whole request goes on to the error page."""
    if not exc.field_errors:
        raise exc
    for e in exc.field_errors:
        form.add_error(e.field if e.field in form.fields else None, e.message)


def _communities(user):
    return Community.objects.for_scope(scope_of(user)).order_by("code")


@page(Perm.VIEW_SANITATION)
def area_list(request):
    can_log = role_can(request.user.role, Perm.LOG_SANITATION)
    form = AreaForm(request.POST or None, communities=_communities(request.user)) if can_log else None
    status = 200
    if request.method == "POST":
        require(request.user, Perm.LOG_SANITATION)
        if form.is_valid():
            d = form.cleaned_data
            try:
                area = services.area_create(actor=request.user, community=d["community"], kind=d["kind"],
                                            name=d["name"], building=d["building"], every=d["every"], unit=d["unit"])
            except DomainError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("Area added: %(name)s.") % {"name": area.name})
                return redirect("sanitation:area_list")
        status = 422
    areas = list(selectors.area_list(actor=request.user, at=timezone.now())[:500])
    return render(request, "sanitation/area_list.html", {
        "areas": areas, "form": form, "can_log": can_log,
        "overdue_count": sum(1 for a in areas if a.overdue)}, status=status)


@page(Perm.LOG_SANITATION, within=Within.COMMUNITY)
def disinfect(request, pk: int):
    """The one-tap form: agent and dilution come filled in from the area's last disinfection."""
    area = selectors.area_get(actor=request.user, pk=pk)
    initial = {"agent": area.last_agent, "dilution": area.last_dilution}
    form = DisinfectionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.disinfection_log(actor=request.user, area=area, agent=d["agent"], dilution=d["dilution"],
                                          note=d["note"])
            except DomainError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("Disinfection logged: %(name)s.") % {"name": area.name})
                return redirect("sanitation:area_list")
        status = 422
    return render(request, "sanitation/disinfect.html", {"area": area, "form": form}, status=status)


@page(Perm.VIEW_SANITATION, methods=("GET", "HEAD"))
def disinfection_log(request):
    return render(request, "sanitation/log.html", {"rows": selectors.disinfection_list(actor=request.user)})


@page(Perm.VIEW_SANITATION)
def patrol_list(request):
    can_log = role_can(request.user.role, Perm.LOG_SANITATION)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = PatrolForm(request.POST or None, communities=_communities(request.user),
                      initial={"started_at": now}) if can_log else None
    status = 200
    if request.method == "POST":
        require(request.user, Perm.LOG_SANITATION)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.patrol_log(actor=request.user, community=d["community"], kind=d["kind"], route=d["route"],
                                    started_at=d["started_at"], ended_at=d["ended_at"], findings=d["findings"],
                                    people_turned_back=d["people_turned_back"], fire_risk=d["fire_risk"],
                                    gathering_dispersed=d["gathering_dispersed"])
            except DomainError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("Patrol logged."))
                return redirect("sanitation:patrol_list")
        status = 422
    return render(request, "sanitation/patrol_list.html", {
        "patrols": selectors.patrol_list(actor=request.user), "form": form}, status=status)
