"""Pages of the daily report: the community's report of a day (review, typed fields, submit, correct),
the street office's board (who submitted, who is late or missing, the sums, reminders)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.core.dates import EARLIEST_DATE, LATEST_DATE, local_today
from fangkong.core.errors import DomainError, NotFound
from fangkong.core.forms import form_add_domain_error
from fangkong.core.redirects import next_url
from fangkong.reports import selectors, services
from fangkong.reports.figures import FIGURES
from fangkong.reports.forms import CorrectionForm, DayForm, RemindForm, SubmitForm, TypedForm
from fangkong.reports.typed import TYPED_FIELDS


def _day(text: str) -> date:
    """The day in the URL; one outside 2000-2100 (where date arithmetic would overflow) does not exist."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise NotFound(_("No such day")) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise NotFound(_("No such day"))
    return day



def _daily_url(code: str, day: date) -> str:
    return f"{reverse('reports:daily')}?community={code}&day={day.isoformat()}"


@page(Perm.VIEW_REPORTS, methods=("GET", "HEAD"))
def index(request: HttpRequest) -> HttpResponse:
    """A street office (more than one community in scope) goes to its board, a community to its report."""
    if role_can(request.user.role, Perm.REMIND_REPORTS) or len(selectors.report_communities(actor=request.user)) > 1:
        return redirect("reports:street")
    return redirect("reports:daily")


@page(Perm.VIEW_REPORTS, methods=("GET", "HEAD"))
def daily(request: HttpRequest) -> HttpResponse:
    return _daily_page(request)


def _daily_page(request: HttpRequest, *, typed_form: TypedForm | None = None,
                correction_form: CorrectionForm | None = None, code: str = "", day: date | None = None,
                status: int = 200) -> HttpResponse:
    user = request.user
    picker = DayForm(request.GET or None)
    chosen = picker.cleaned_data if picker.is_bound and picker.is_valid() else {}
    communities = selectors.report_communities(actor=user)
    code = code or chosen.get("community") or (communities[0].code if communities else "")
    if not code:
        raise NotFound(_("No community in your scope"))
    community = selectors.report_community_get(actor=user, code=code)
    day = day or chosen.get("day") or local_today()
    view = selectors.daily_report_view(actor=user, community=community, day=day)
    draft = view.status == "draft"
    typed_form = typed_form or TypedForm(initial=view.typed, auto_id="id_typed_%s")
    correction_form = correction_form or CorrectionForm(initial=view.typed, auto_id="id_correct_%s")
    figures = [(f, view.figures.get(f.key, 0)) for f in FIGURES]
    typed = [(f, view.typed.get(f.key)) for f in TYPED_FIELDS]
    next_day = day + timedelta(days=1)
    return render(request, "reports/daily.html", {
        "view": view, "community": community, "communities": communities, "figures": figures, "typed": typed,
        "typed_form": typed_form, "submit_form": SubmitForm(auto_id="id_submit_%s"),
        "correction_form": correction_form,
        "can_edit": draft and role_can(user.role, Perm.EDIT_REPORTS),
        "can_submit": role_can(user.role, Perm.SUBMIT_REPORTS),
        "prev_url": _daily_url(community.code, day - timedelta(days=1)),
        "next_url": _daily_url(community.code, next_day) if next_day <= local_today() else "",
        "street_url": reverse("reports:street") if role_can(user.role, Perm.REMIND_REPORTS) else "",
    }, status=status)


@page(Perm.EDIT_REPORTS, within=Within.COMMUNITY, methods=("POST",))
def daily_typed(request: HttpRequest, code: str, day: str) -> HttpResponse:
    community, d = selectors.report_community_get(actor=request.user, code=code), _day(day)
    form = TypedForm(request.POST, auto_id="id_typed_%s")
    if form.is_valid():
        try:
            services.daily_report_typed_update(actor=request.user, community=community, day=d, data=form.cleaned_data)
        except DomainError as exc:
            if not exc.field_errors and exc.status != 409:
                raise
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_daily_url(code, d))
    return _daily_page(request, typed_form=form, code=code, day=d, status=422)


@page(Perm.SUBMIT_REPORTS, within=Within.COMMUNITY, methods=("POST",))
def daily_submit(request: HttpRequest, code: str, day: str) -> HttpResponse:
    """Submit (with the typed fields as on the page) or, with a reason, correct."""
    community, d = selectors.report_community_get(actor=request.user, code=code), _day(day)
    correcting = "correction_reason" in request.POST
    form: TypedForm = (CorrectionForm(request.POST, auto_id="id_correct_%s") if correcting
                       else TypedForm(request.POST, auto_id="id_typed_%s"))
    note = SubmitForm(request.POST)
    if form.is_valid() and note.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("correction_reason", "")
        data.pop("note", None)
        try:
            version = services.daily_report_submit(actor=request.user, community=community, day=d,
                                                   note=note.cleaned_data["note"], correction_reason=reason,
                                                   typed=data)
        except DomainError as exc:
            if not exc.field_errors and exc.status != 409:
                raise
            form_add_domain_error(form, exc)
        else:
            if version.version == 1:
                messages.success(request, _("Report submitted (version 1)."))
            else:
                messages.success(request, _("Correction submitted (version %(n)s).") % {"n": version.version})
            return redirect(_daily_url(code, d))
    if correcting:
        return _daily_page(request, correction_form=form, code=code, day=d, status=422)
    return _daily_page(request, typed_form=form, code=code, day=d, status=422)


@page(Perm.VIEW_REPORTS, methods=("GET", "HEAD"))
def street(request: HttpRequest) -> HttpResponse:
    picker = DayForm(request.GET or None)
    day = (picker.cleaned_data.get("day") if picker.is_bound and picker.is_valid() else None) or local_today()
    board = selectors.daily_report_status(actor=request.user, day=day)
    sums = [(f, board.totals.get(f.key, 0), board.totals_submitted.get(f.key, 0)) for f in FIGURES]
    typed_sums = [(f, board.totals.get(f.key, 0), board.totals_submitted.get(f.key, 0))
                  for f in TYPED_FIELDS if f.kind == "count"]
    return render(request, "reports/street.html", {
        "board": board, "day": day, "picker": picker, "sums": sums, "typed_sums": typed_sums,
        "can_remind": role_can(request.user.role, Perm.REMIND_REPORTS),
        "prev_day": (day - timedelta(days=1)).isoformat(),
        "next_day": (day + timedelta(days=1)).isoformat() if day < local_today() else "",
        "remind_form": RemindForm(),
    })


@page(Perm.REMIND_REPORTS, within=Within.COMMUNITY, methods=("POST",))
def remind(request: HttpRequest, code: str, day: str) -> HttpResponse:
    community, d = selectors.report_community_get(actor=request.user, code=code), _day(day)
    form = RemindForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        services.report_reminder_send(actor=request.user, community=community, day=d, message=message)
    except DomainError as exc:
        if exc.status != 409:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reminder sent to %(name)s.") % {"name": community.name})
    return redirect(next_url(request, f"{reverse('reports:street')}?day={d.isoformat()}"))


@page(Perm.EDIT_REPORTS, within=Within.COMMUNITY, methods=("POST",))
def reminder_read(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = selectors.reminder_get(actor=request.user, pk=pk)
    services.report_reminder_read(actor=request.user, reminder=reminder)
    return redirect(next_url(request, _daily_url(reminder.community.code, reminder.date)))
