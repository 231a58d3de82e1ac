"""Pages of pushed-down lists: the street uploads and follows its lists (per community, unmatched rows to
assign); the community checks its rows, one outcome form per row, on a phone as well as at a desk."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.core.errors import DomainError
from fangkong.core.params import int_param
from fangkong.core.redirects import next_url
from fangkong.registry.importing import ImportFileError
from fangkong.registry.selectors import community_list
from fangkong.verification import selectors, services
from fangkong.verification.errors import RowsRejected
from fangkong.verification.forms import AssignForm, OutcomeForm, RowFilterForm, UploadForm
from fangkong.verification.models import VerificationRow
from fangkong.verification.reading import COLUMNS
from fangkong.verification.uploads import stored

ROWS_PER_PAGE = 50


def _put_errors(form, exc: DomainError) -> None:
    if not exc.field_errors:
        raise exc
    for e in exc.field_errors:
        form.add_error(e.field if e.field in form.fields else None, e.message)


@page(Perm.VIEW_VERIFICATION)
def index(request):
    user = request.user
    can_upload = role_can(user.role, Perm.UPLOAD_VERIFICATION)
    streets = list(selectors.street_list(actor=user)) if can_upload else []
    form = UploadForm(request.POST or None, request.FILES or None, streets=streets) if streets else None
    problems, status = [], 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            d = form.cleaned_data
            try:
                street = selectors.street_get(actor=user, code=d["street"])
                with stored(d["file"]) as path:
                    upload = services.verification_list_upload(actor=user, street=street, batch=d["batch"],
                                                               path=path, filename=d["file"].name)
            except RowsRejected as exc:
                problems = exc.errors
                form.add_error(None, exc.message)
            except ImportFileError as exc:
                problems = exc.errors()
                form.add_error(None, str(exc))
            except DomainError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("List uploaded: %(rows)s rows, %(unmatched)s not matched.") % {
                    "rows": upload.vlist.rows, "unmatched": upload.vlist.unmatched})
                return redirect("verification:list_detail", pk=upload.vlist.pk)
        status = 422
    lists = selectors.verification_list_page(actor=user, key=request.GET.get("after"))
    return render(request, "verification/index.html", {
        "form": form, "problems": problems, "lists": lists, "columns": COLUMNS,
        "can_check": role_can(user.role, Perm.CHECK_VERIFICATION)}, status=status)


@page(Perm.VIEW_VERIFICATION, within=Within.STREET)
def list_detail(request, pk: int):
    user = request.user
    vlist = selectors.verification_list_get(actor=user, pk=pk)
    can_assign = (role_can(user.role, Perm.UPLOAD_VERIFICATION)
                  and selectors.follows_street(actor=user, street_id=vlist.street_id))
    unmatched = selectors.verification_unmatched(actor=user, vlist=vlist)
    communities = list(selectors.street_communities(street_id=vlist.street_id)) if can_assign else []
    for r in unmatched:
        r.assign_form = AssignForm(communities=communities, auto_id=f"id_assign{r.number}_%s")
    counts = selectors.verification_list_counts(actor=user, vlist=vlist)
    for c in counts:
        c.outcome_counts = [c.outcomes[o] for o in selectors.OUTCOMES]
    return render(request, "verification/list_detail.html", {
        "vlist": vlist, "counts": counts, "outcome_labels": VerificationRow.Outcome.labels,
        "unmatched": unmatched, "can_assign": can_assign,
        "can_check": role_can(user.role, Perm.CHECK_VERIFICATION)})


@page(Perm.VIEW_VERIFICATION)
def rows(request):
    user = request.user
    communities = list(community_list(actor=user).order_by("code"))
    filters = RowFilterForm(request.GET or {"state": "open"}, communities=communities)
    state, community_id = "open", None
    if filters.is_valid():
        state = filters.cleaned_data["state"]
        code = filters.cleaned_data["community"]
        community_id = next((c.id for c in communities if c.code == code), None) if code else None
    vlist = None
    list_id = int_param(request.GET.get("list"))
    if list_id:
        vlist = selectors.verification_list_get(actor=user, pk=list_id)
    after = int_param(request.GET.get("after")) or 0
    found = selectors.verification_rows(actor=user, vlist=vlist, community_id=community_id, state=state,
                                        after=after, limit=ROWS_PER_PAGE + 1)
    more = len(found) > ROWS_PER_PAGE
    found = found[:ROWS_PER_PAGE]
    can_check = role_can(user.role, Perm.CHECK_VERIFICATION)
    for r in found:
        r.form = OutcomeForm(initial={"outcome": r.outcome or "confirmed", "note": r.note},
                             auto_id=f"id_row{r.pk}_%s")
        r.checkable = can_check and selectors.row_checkable(actor=user, row=r)
    next_after = (found[-1].number if vlist else found[-1].pk) if more and found else None
    query = request.GET.copy()
    if next_after:
        query["after"] = str(next_after)
    return render(request, "verification/rows.html", {
        "filters": filters, "rows": found, "vlist": vlist, "can_check": can_check,
        "next_query": query.urlencode() if next_after else "", "first": not after,
        "register_url": reverse("registry:household_list")})


@page(Perm.CHECK_VERIFICATION, within=Within.COMMUNITY, methods=("POST",))
def row_outcome(request, pk: int, number: int):
    user = request.user
    vlist = selectors.verification_list_get(actor=user, pk=pk)
    row = selectors.verification_row_get(actor=user, vlist=vlist, number=number)
    form = OutcomeForm(request.POST)
    back = next_url(request, reverse("verification:rows") + f"?list={vlist.pk}")
    if not form.is_valid():
        messages.error(request, _("Row %(n)s: choose an outcome.") % {"n": number})
        return redirect(back)
    try:
        services.verification_outcome_record(actor=user, row=row, outcome=form.cleaned_data["outcome"],
                                             note=form.cleaned_data["note"])
    except DomainError as exc:
        if not exc.field_errors:
            raise
        messages.error(request, _("Row %(n)s: %(why)s") % {"n": number, "why": exc.field_errors[0].message})
        return redirect(back)
    messages.success(request, _("Row %(n)s recorded.") % {"n": number})
    return redirect(back)


@page(Perm.UPLOAD_VERIFICATION, within=Within.STREET, methods=("POST",))
def row_assign(request, pk: int, number: int):
    user = request.user
    vlist = selectors.verification_list_get(actor=user, pk=pk)
    row = selectors.verification_row_get(actor=user, vlist=vlist, number=number)
    code = request.POST.get("community", "")
    community = selectors.street_communities(street_id=vlist.street_id).filter(code=code).first() if code else None
    back = reverse("verification:list_detail", args=[vlist.pk])
    if community is None:
        messages.error(request, _("Row %(n)s: choose a community of the street.") % {"n": number})
        return redirect(back)
    try:
        services.verification_row_assign(actor=user, row=row, community=community)
    except DomainError as exc:
        if exc.status != 400 and exc.status != 409:
            raise
        messages.error(request, _("Row %(n)s: %(why)s") % {"n": number, "why": exc.message})
        return redirect(back)
    messages.success(request, _("Row %(n)s sent to %(c)s.") % {"n": number, "c": community.name})
    return redirect(back)
