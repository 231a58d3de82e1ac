"""Returnee report pages: the reports in scope with the landlords and their links, the office's own entry,
and its confirmation or rejection of a report."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import Code, DomainError, FieldError
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import page_of
from fangkong.core.params import int_param
from fangkong.core.redirects import next_url
from fangkong.observation import returnees, selectors
from fangkong.observation.forms import ConfirmForm, OfficeReportForm, RejectForm, ReportFilterForm, ResidentLinkForm
from fangkong.observation.models import ReturneeReport
from fangkong.observation.views.common import put_errors
from fangkong.registry.flags import person_flags
from fangkong.registry.models import Household

LANDLORDS_PER_PAGE = 30


def _household_by_address(request, community_id: int, text: str) -> Household | None:
    """The household typed into a report's address field: none if left empty, refused if unknown."""
    if not (text or "").strip():
        return None
    household = selectors.household_in_community(actor=request.user, community_id=community_id, address=text)
    if household is None:
        raise FieldError("household", Code.NOT_FOUND, _("No household with this address in the community"))
    return household


def _landlords(request):
    q = request.GET.get("q", "").strip()[:64]
    page = Paginator(selectors.landlord_list(actor=request.user, q=q), LANDLORDS_PER_PAGE).get_page(
        request.GET.get("lpage"))
    page.object_list = selectors.landlords_with_links(landlords=page.object_list, today=local_today())
    for p in page:
        p.name_masked = mask_name(p.name)
    return page, q


def returnee_page(request, *, office_form=None, resident_form=None, rows: dict | None = None, status: int = 200):
    user = request.user
    scope = scope_of(user)
    filters = ReportFilterForm(request.GET or None)
    state = filters.value()
    reports = selectors.report_list(actor=user, status=state)
    if state == ReturneeReport.Status.PENDING:
        reports = reports.order_by("arrival_date", "id")
    page = page_of(request, reports)
    can_confirm = role_can(user.role, Perm.CONFIRM_RETURNEES)
    today = local_today()
    flags = person_flags((r.person_id for r in page if r.person_id), reader=user)
    for r in page:
        r.key_area = selectors.report_key_area(report=r)
        r.will_observe = returnees.starts_observation(r)
        r.name_masked = mask_name(r.name)
        r.not_arrived = r.arrival_date > today
        r.flags = flags.get(r.person_id, [])
        r.reporter_masked = mask_name(r.link.person.name) if r.link_id and r.link.person_id else ""
        r.needs_household = r.person_id is None and r.household_id is None
        r.can_decide = (can_confirm and r.status == ReturneeReport.Status.PENDING
                        and scope.covers_whole_community(r.community_id))
        forms = (rows or {}).get(r.pk, {})
        r.confirm_form = forms.get("confirm") or ConfirmForm(auto_id=f"id_confirm{r.pk}_%s")
        r.reject_form = forms.get("reject") or RejectForm(auto_id=f"id_reject{r.pk}_%s")
    context = {"filters": filters, "state": state, "page": page, "can_confirm": can_confirm}
    if can_confirm:
        communities = selectors.office_communities(actor=user)
        landlords, q = _landlords(request)
        context.update(
            office_form=office_form or OfficeReportForm(communities=communities),
            resident_form=resident_form or ResidentLinkForm(),
            landlords=landlords, q=q, multi_community=len(communities) > 1,
        )
    return render(request, "observation/returnee_list.html", context, status=status)


@page(Perm.VIEW_OBSERVATION)
def returnee_list(request):
    """GET: the reports and landlords. POST: the office enters a report (by phone, at the desk)."""
    if request.method != "POST":
        return returnee_page(request)
    require(request.user, Perm.CONFIRM_RETURNEES)
    communities = selectors.office_communities(actor=request.user)
    form = OfficeReportForm(request.POST, communities=communities)
    if form.is_valid():
        d = form.cleaned_data
        community = next(c for c in communities if c.id == d["community"])
        try:
            household = _household_by_address(request, community.id, d["household"])
            report = returnees.report_by_office(actor=request.user, community=community, data=returnees.ReportData(
                from_place=d["from_place"], arrival_date=d["arrival_date"], transport=d["transport"],
                address=d["address"], name=d["name"], id_number=d["id_number"], phone=d["phone"],
                household_id=household.pk if household else None))
        except DomainError as exc:
            put_errors(form, exc, {"person": "id_number"})
        else:
            messages.success(request, _("Report entered: %(name)s, awaiting confirmation.")
                             % {"name": mask_name(report.name)})
            return redirect("observation:returnee_list")
    return returnee_page(request, office_form=form, status=422)


def _report(request, pk: int) -> ReturneeReport:
    require(request.user, Perm.CONFIRM_RETURNEES)  # before the lookup: only those who decide learn of a report
    return selectors.report_get(actor=request.user, pk=pk)


@page(Perm.CONFIRM_RETURNEES, within=Within.GRID, methods=("POST",))
def returnee_confirm(request, pk: int):
    report = _report(request, pk)
    form = ConfirmForm(request.POST, auto_id=f"id_confirm{report.pk}_%s")
    if form.is_valid():
        try:
            household = _household_by_address(request, report.community_id, form.cleaned_data["household"])
            report = returnees.report_confirm(actor=request.user, report=report, household=household)
        except DomainError as exc:
            put_errors(form, exc)
        else:
            text = _("Confirmed: %(name)s.") % {"name": mask_name(report.name)}
            if report.observation_id:
                text += " " + _("Home observation until %(day)s.") % {"day": report.observation.planned_end.isoformat()}
            messages.success(request, text)
            return redirect(next_url(request, reverse("observation:returnee_list")))
    return returnee_page(request, rows={report.pk: {"confirm": form}}, status=422)


@page(Perm.CONFIRM_RETURNEES, within=Within.GRID, methods=("POST",))
def returnee_reject(request, pk: int):
    report = _report(request, pk)
    form = RejectForm(request.POST, auto_id=f"id_reject{report.pk}_%s")
    if form.is_valid():
        try:
            returnees.report_reject(actor=request.user, report=report, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Rejected: %(name)s.") % {"name": mask_name(report.name)})
            return redirect(next_url(request, reverse("observation:returnee_list")))
    return returnee_page(request, rows={report.pk: {"reject": form}}, status=422)


@page(Perm.CONFIRM_RETURNEES, methods=("GET", "HEAD"))
def household_options(request):
    """Addresses matching what was typed, for the household fields' lists."""
    q = request.GET.get("household", "").strip()[:100]
    addresses = []
    if len(q) >= 2:
        addresses = selectors.household_addresses(actor=request.user, q=q,
                                                  community_id=int_param(request.GET.get("community", "")))
    return render(request, "observation/_household_options.html", {"addresses": addresses})
