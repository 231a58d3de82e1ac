"""Alert pages: fever, missed-follow-up and gate-fever alerts in scope, with the day's figures by kind,
acknowledged and closed with the action taken."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import page_of
from fangkong.core.redirects import next_url
from fangkong.observation import selectors
from fangkong.observation.forms import AlertCloseForm, AlertFilterForm
from fangkong.observation.models import Alert
from fangkong.observation.services import alert_acknowledge, alert_close
from fangkong.observation.sweeps import missed_followups_sweep_in_scope
from fangkong.observation.views.common import put_errors

_STATUSES = {
    AlertFilterForm.OPEN: [Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED],
    AlertFilterForm.CLOSED: [Alert.Status.CLOSED],
    AlertFilterForm.ALL: [],
}


def _alert_page(request, *, close_forms: dict | None = None, status: int = 200):
    user = request.user
    scope = scope_of(user)
    missed_followups_sweep_in_scope(actor=user)  # the page is current without the worker
    filters = AlertFilterForm(request.GET or None)
    v = filters.values()
    alerts = selectors.alert_list(actor=user, statuses=_STATUSES[v["status"]], kind=v["kind"],
                                  responsible=user if v["mine"] else None)
    page = page_of(request, alerts)
    can_act = role_can(user.role, Perm.FOLLOW_UP)
    for a in page:
        a.person_masked = mask_name(a.person.name)
        a.can_act = can_act and a.status != Alert.Status.CLOSED and scope.covers_grid(a.community_id, a.grid_id)
        a.close_form = (close_forms or {}).get(a.pk) or AlertCloseForm(auto_id=f"id_alert{a.pk}_%s")
    today = selectors.alert_counts_on(actor=user, day=local_today())
    return render(request, "observation/alert_list.html", {
        "filters": filters, "page": page,
        "open_count": selectors.alert_list(actor=user, statuses=[Alert.Status.OPEN]).count(),
        "today": [(Alert.Kind(kind).label, n) for kind, n in today.items()], "today_total": sum(today.values()),
    }, status=status)


@page(Perm.VIEW_OBSERVATION, methods=("GET", "HEAD"))
def alert_list(request):
    return _alert_page(request)


@page(Perm.FOLLOW_UP, within=Within.GRID, methods=("POST",))
def alert_acknowledge_view(request, pk: int):
    alert = alert_acknowledge(actor=request.user, alert=selectors.alert_get(actor=request.user, pk=pk))
    messages.success(request, _("Alert acknowledged: %(name)s.") % {"name": mask_name(alert.person.name)})
    return redirect(next_url(request, reverse("observation:alert_list")))


@page(Perm.FOLLOW_UP, within=Within.GRID, methods=("POST",))
def alert_close_view(request, pk: int):
    alert = selectors.alert_get(actor=request.user, pk=pk)
    form = AlertCloseForm(request.POST, auto_id=f"id_alert{alert.pk}_%s")
    if form.is_valid():
        try:
            alert_close(actor=request.user, alert=alert, action=form.cleaned_data["action"])
        except DomainError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Alert closed: %(name)s.") % {"name": mask_name(alert.person.name)})
            return redirect(next_url(request, reverse("observation:alert_list")))
    return _alert_page(request, close_forms={alert.pk: form}, status=422)
