"""Personal report link pages: issuing a landlord's or resident's link, its card with URL and QR code, and
revoking it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError, NotFound
from fangkong.core.identifiers import mask_name
from fangkong.core.params import int_param
from fangkong.core.redirects import next_url
from fangkong.observation import returnees, selectors
from fangkong.observation.forms import ResidentLinkForm
from fangkong.observation.models import ReportLink
from fangkong.observation.views.common import link_perm, public_url, put_errors, qr_svg
from fangkong.observation.views.reports import returnee_page
from fangkong.policy.selectors import policy_values_cached


@page(Perm.CONFIRM_RETURNEES, within=Within.GRID, methods=("POST",))
def link_issue_view(request):
    """A landlord's link (from the landlords list) or a resident's (by ID number)."""
    kind = request.POST.get("kind", "")
    if kind not in (ReportLink.Kind.LANDLORD, ReportLink.Kind.RESIDENT):
        raise NotFound(_("Unknown kind of link"))
    form = None
    if kind == ReportLink.Kind.RESIDENT:
        form = ResidentLinkForm(request.POST)
        person = selectors.person_find(actor=request.user, id_number=request.POST.get("id_number", "")) \
            if form.is_valid() else None
        if form.is_valid() and person is None:
            form.add_error("id_number", _("No such person in your scope"))
    else:
        pk = int_param(request.POST.get("person", ""))
        person = selectors.person_find(actor=request.user, pk=pk) if pk is not None else None
        if person is None:
            raise NotFound(_("No such person in your scope"))
    if person is not None:
        try:
            link, _token = returnees.link_issue(actor=request.user, person=person, kind=kind)
        except DomainError as exc:
            if form is None:
                if not exc.field_errors:
                    raise
                messages.error(request, exc.message)
                return redirect("observation:returnee_list")
            put_errors(form, exc, {"person": "id_number"})
        else:
            return redirect("observation:link_detail", pk=link.pk)
    return returnee_page(request, resident_form=form, status=422)


def _link(request, pk: int) -> ReportLink:
    link = selectors.link_get(actor=request.user, pk=pk)
    require(request.user, link_perm(link.kind))
    return link


@page(Perm.VIEW_OBSERVATION, within=Within.GRID, methods=("GET", "HEAD"))
def link_detail(request, pk: int):
    """The link's URL and QR code, on a page that prints as a card for the landlord or resident."""
    link = _link(request, pk)
    today = local_today()
    live = selectors.link_live(link=link, today=today)
    url = public_url(request, link.kind, returnees.link_token(actor=request.user, link=link)) if live else ""
    return render(request, "observation/link_detail.html", {
        "link": link, "live": live, "url": url, "qr": qr_svg(url) if live else "",
        "holder_masked": mask_name(link.person.name), "reports": selectors.link_report_count(link=link),
        "work_resumption": selectors.work_resumption_date(community_id=link.community_id, on=today), "today": today,
        "per_day": policy_values_cached(community_id=link.community_id, on=today)["followups_per_day"],
    })


# A landlord's or resident's link needs CONFIRM_RETURNEES, a follow-up link FOLLOW_UP (the service).
@page(Perm.VIEW_OBSERVATION, within=Within.GRID, methods=("POST",))
def link_revoke_view(request, pk: int):
    link = _link(request, pk)
    returnees.link_revoke(actor=request.user, link=link)
    messages.success(request, _("The link no longer works."))
    default = reverse("observation:link_detail", args=[link.pk])
    return redirect(next_url(request, default))
