"""Observation pages: the list (and the office's start form on it), one observation with its follow-ups,
extension, end and the person's self-report link."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.selectors import users_with_perm_in_scope
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import page_of
from fangkong.core.params import int_param
from fangkong.observation import returnees, selectors
from fangkong.observation.forms import EndForm, ExtendForm, FollowUpForm, ObservationFilterForm, ObservationStartForm
from fangkong.observation.models import Observation, ReportLink
from fangkong.observation.services import (
    followup_record,
    latest_planned_end,
    observation_end,
    observation_extend,
    observation_start,
)
from fangkong.observation.views.common import public_url, put_errors, qr_svg, with_symptom_labels
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.flags import person_flags
from fangkong.registry.models import Person

EXTENSION_STEP = timedelta(days=7)  # what the extend form suggests

def _start_form(request, data=None) -> tuple[ObservationStartForm, Person | None]:
    person = None
    raw = (data or request.GET).get("person", "")
    if (pk := int_param(raw)) is not None:
        person = selectors.person_find(actor=request.user, pk=pk)
    form = ObservationStartForm(
        data, sites=selectors.site_list(actor=request.user),
        users=users_with_perm_in_scope(perm=Perm.FOLLOW_UP, scope=scope_of(request.user)),
        initial={"person": person.pk} if person else {})
    return form, person


def _observation_list_page(request, *, start_form=None, start_person=None, status=200):
    filters = ObservationFilterForm(request.GET or None)
    v = filters.values()
    today = local_today()
    rows = selectors.observation_list(
        actor=request.user, status="" if v["status"] == ObservationFilterForm.ALL else v["status"], kind=v["kind"],
        due_on=today if v["due"] else None)
    if v["status"] == Observation.Status.ACTIVE:
        rows = rows.order_by("planned_end", "id")
    page = page_of(request, rows)
    page.object_list = selectors.observations_with_progress(observations=page.object_list, today=today)
    flags = person_flags((o.person_id for o in page), reader=request.user)
    for o in page:
        o.person_masked = mask_name(o.person.name)
        o.flags = flags.get(o.person_id, [])
    can_manage = role_can(request.user.role, Perm.MANAGE_OBSERVATION)
    if can_manage and start_form is None:
        start_form, start_person = _start_form(request)
    if start_person is not None:
        start_person.name_masked = mask_name(start_person.name)
    template = "observation/_observation_rows.html" if request.htmx and request.method == "GET" \
        else "observation/observation_list.html"
    return render(request, template, {
        "filters": filters, "page": page, "today": today, "can_manage": can_manage,
        "start_form": start_form if can_manage else None, "start_person": start_person,
    }, status=status)


@page(Perm.VIEW_OBSERVATION)
def observation_list(request):
    if request.method != "POST":
        return _observation_list_page(request)
    require(request.user, Perm.MANAGE_OBSERVATION)
    form, person = _start_form(request, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        person = selectors.person_find(actor=request.user, pk=d["person"]) if d["person"] else \
            selectors.person_find(actor=request.user, id_number=d["id_number"])
        if person is None:
            form.add_error("id_number", _("No such person in your scope"))
        else:
            try:
                obs = observation_start(actor=request.user, person=person, kind=d["kind"], start=d["start"],
                                        site=d["site"], room=d["room"], responsible=d["responsible"],
                                        reason=d["reason"])
            except DomainError as exc:
                put_errors(form, exc, {"person": "id_number", "status": "kind"})
            else:
                messages.success(request, _("Observation started: %(name)s, until %(day)s.") % {
                    "name": mask_name(person.name), "day": obs.planned_end.isoformat()})
                return redirect("observation:observation_detail", pk=obs.pk)
    return _observation_list_page(request, start_form=form, start_person=person, status=422)


def _detail_page(request, obs: Observation, *, status: int = 200, **forms):
    user, today = request.user, local_today()
    active = obs.status == Observation.Status.ACTIVE
    selectors.observations_with_progress(observations=[obs], today=today)
    history = selectors.observation_history(obs=obs)
    can_follow = role_can(user.role, Perm.FOLLOW_UP)
    can_manage = role_can(user.role, Perm.MANAGE_OBSERVATION)
    link = link_url = link_qr = None
    if can_follow:
        link = selectors.followup_link(person=obs.person, today=today)
        if link is not None:
            link_url = public_url(request, link.kind, returnees.link_token(actor=request.user, link=link))
            link_qr = qr_svg(link_url)
    end_initial = Observation.Status.COMPLETED if obs.due_release else Observation.Status.ENDED_EARLY
    latest = latest_planned_end(obs=obs)
    # A week more, within the limit; computed from the limit, not from a planned end that may be stored
    # as absurd as 9999-12-31 (where "+ 7 days" overflows).
    suggested = min(obs.planned_end, latest - EXTENSION_STEP) + EXTENSION_STEP
    return render(request, "observation/observation_detail.html", {
        "obs": obs, "person_masked": mask_name(obs.person.name),
        "flags": person_flags([obs.person_id], reader=request.user).get(obs.person_id, []),
        "followups": with_symptom_labels(history.followups), "extensions": history.extensions,
        "alerts": history.alerts, "report": history.report,
        "policy": policy_values_cached(community_id=obs.community_id, on=today),
        "can_follow": can_follow and active, "can_manage": can_manage and active, "can_link": can_follow and active,
        "can_view_people": role_can(user.role, Perm.VIEW_REGISTRY),
        "followup_form": forms.get("followup_form") or FollowUpForm(initial={"client_id": uuid.uuid4()}),
        "extend_form": forms.get("extend_form") or ExtendForm(initial={"new_end": suggested}, latest=latest),
        "end_form": forms.get("end_form") or EndForm(initial={"status": end_initial}),
        "link": link, "link_url": link_url, "link_qr": link_qr,
    }, status=status)


@page(Perm.VIEW_OBSERVATION, within=Within.GRID, methods=("GET", "HEAD"))
def observation_detail(request, pk: int):
    return _detail_page(request, selectors.observation_get(actor=request.user, pk=pk))


@page(Perm.FOLLOW_UP, within=Within.GRID, methods=("POST",))
def observation_followup(request, pk: int):
    obs = selectors.observation_get(actor=request.user, pk=pk)
    require(request.user, Perm.FOLLOW_UP)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            fu = followup_record(actor=request.user, obs=obs, temperature=d["temperature"], symptoms=d["symptoms"],
                                 client_id=f"web:{request.user.pk}:{d['client_id']}" if d["client_id"] else None)
        except DomainError as exc:
            put_errors(form, exc)
        else:
            if fu.fever:
                messages.warning(request, _("%(t)s °C is a fever: an alert is open for the responsible worker.")
                                 % {"t": fu.temperature})
            else:
                messages.success(request, _("Follow-up recorded: %(t)s °C.") % {"t": fu.temperature})
            return redirect("observation:observation_detail", pk=obs.pk)
    return _detail_page(request, obs, followup_form=form, status=422)


@page(Perm.MANAGE_OBSERVATION, within=Within.GRID, methods=("POST",))
def observation_extend_view(request, pk: int):
    obs = selectors.observation_get(actor=request.user, pk=pk)
    require(request.user, Perm.MANAGE_OBSERVATION)
    form = ExtendForm(request.POST, latest=latest_planned_end(obs=obs))
    if form.is_valid():
        try:
            obs = observation_extend(actor=request.user, obs=obs, new_end=form.cleaned_data["new_end"],
                                     reason=form.cleaned_data["reason"])
        except DomainError as exc:
            put_errors(form, exc, {"planned_end": "new_end"})
        else:
            messages.success(request, _("Observation extended until %(day)s.") % {"day": obs.planned_end.isoformat()})
            return redirect("observation:observation_detail", pk=obs.pk)
    return _detail_page(request, obs, extend_form=form, status=422)


@page(Perm.MANAGE_OBSERVATION, within=Within.GRID, methods=("POST",))
def observation_end_view(request, pk: int):
    obs = selectors.observation_get(actor=request.user, pk=pk)
    require(request.user, Perm.MANAGE_OBSERVATION)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            obs = observation_end(actor=request.user, obs=obs, status=form.cleaned_data["status"],
                                  reason=form.cleaned_data["reason"])
        except DomainError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Observation ended: %(status)s.") % {"status": obs.get_status_display()})
            return redirect("observation:observation_detail", pk=obs.pk)
    return _detail_page(request, obs, end_form=form, status=422)


@page(Perm.FOLLOW_UP, within=Within.GRID, methods=("POST",))
def observation_link(request, pk: int):
    """Issue (or renew) the self-report link of the person under observation."""
    obs = selectors.observation_get(actor=request.user, pk=pk)
    try:
        returnees.link_issue(actor=request.user, person=obs.person, kind=ReportLink.Kind.FOLLOWUP)
    except DomainError as exc:
        if not exc.field_errors:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A new self-report link is ready; any earlier one no longer works."))
    return redirect(reverse("observation:observation_detail", args=[obs.pk]) + "#self-report")
