from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import page_of
from fangkong.passes import selectors, services, tasks
from fangkong.passes.forms import BulkIssueForm, PassFilterForm
from fangkong.registry.models import Community

_NUMBER = re.compile(r"^[0-9]{1,24}$")


def _filters(request, *, strict: bool = False) -> tuple[PassFilterForm, dict]:
    """The list's filters; `strict` (printing) refuses a bad filter rather than dropping it."""
    # Refused before anything is read, as the API refuses it: the suspended passes list who is under observation.
    selectors.status_filter_check(actor=request.user, status=request.GET.get("status", ""))
    communities = Community.objects.for_scope(scope_of(request.user)).order_by("code")
    form = PassFilterForm(request.GET or None, communities=communities,
                          suspended=role_can(request.user.role, Perm.VIEW_HEALTH))
    if form.is_bound and not form.is_valid() and strict:
        field, errors = next(iter(form.errors.items()))
        raise FieldError(field, "invalid", errors[0])
    params = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and form.is_valid() else {}
    return form, params


def _parts(count: int) -> list[tuple[int, int, int]]:
    """(part, first card, last card) for PDFs of at most MAX_CARDS_PER_PDF cards each."""
    size = services.MAX_CARDS_PER_PDF
    return [(n, (n - 1) * size + 1, min(n * size, count)) for n in range(1, -(-count // size) + 1)]


@page(Perm.VIEW_PASSES)
def pass_list(request):
    form, params = _filters(request)
    passes = selectors.pass_list(actor=request.user, **params)
    page = page_of(request, passes)
    for p in page:
        p.holder_masked = mask_name(p.person.name)
    can_print = role_can(request.user.role, Perm.PRINT_PASSES)
    parts = []
    if can_print:
        parts = _parts(selectors.pass_print_list(actor=request.user, **params).count())
    template = "passes/_pass_rows.html" if request.htmx else "passes/pass_list.html"
    return render(request, template, {
        "form": form, "page": page, "can_print": can_print, "parts": parts, "print_query": urlencode(params),
        "can_issue": role_can(request.user.role, Perm.ISSUE_PASSES),
        "can_view_people": role_can(request.user.role, Perm.VIEW_REGISTRY),
    })


@page(Perm.ISSUE_PASSES)
def issue(request):
    communities = list(selectors.issuing_communities(actor=request.user))
    form = BulkIssueForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = next(c for c in communities if c.code == data["community"])
        job_id = tasks.bulk_issue_start(actor=request.user, community=community, kind=data["kind"],
                                        group=data["group"], valid_from=data["valid_from"],
                                        valid_until=data["valid_until"])
        return redirect("passes:issue_job", job_id=job_id)
    return render(request, "passes/issue.html", {"form": form})


def _job(request, job_id: str) -> dict:
    job = tasks.bulk_job_get(job_id)
    if job is None or not scope_of(request.user).covers_whole_community(job["community_id"]):
        raise NotFound(_("No such job, or it is more than a day old"))
    return job


@page(Perm.ISSUE_PASSES, within=Within.OWN)
def issue_job(request, job_id: str):
    job = _job(request, job_id)
    job["percent"] = int(100 * job["done"] / job["total"]) if job.get("total") else 0
    job["can_print"] = role_can(request.user.role, Perm.PRINT_PASSES)
    job["parts"] = _parts(len(job["numbers"]))
    template = "passes/_issue_status.html" if request.htmx else "passes/issue_job.html"
    return render(request, template, {"job": job})


@page(Perm.PRINT_PASSES)
def print_pdf(request):
    """?kind=&status=&q=&community= as on the list, or ?number=… (repeatable), or ?job= (a bulk issue's
    passes); ?part=2 for the second MAX_CARDS_PER_PDF cards and so on."""
    _form, params = _filters(request, strict=True)
    numbers = request.GET.getlist("number") or None
    if numbers and not all(_NUMBER.match(n) for n in numbers):
        raise FieldError("number", "invalid", _("A pass number has digits only"))
    if request.GET.get("job"):
        numbers = _job(request, request.GET["job"])["numbers"]
    part = request.GET.get("part", "1")
    part = int(part) if part.isdigit() and 0 < int(part) < 10**6 else 1
    size = services.MAX_CARDS_PER_PDF
    passes = list(selectors.pass_print_list(actor=request.user, numbers=numbers, **params)[
        (part - 1) * size:part * size])
    pdf = services.pass_cards_export(actor=request.user, passes=passes)
    name = f"通行证-{timezone.localdate():%Y%m%d}" + (f"-{part}" if part > 1 else "") + ".pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response
