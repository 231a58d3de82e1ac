from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import count_bounded, page_of
from fangkong.passes import selectors, services, tasks
from fangkong.passes.forms import BulkIssueForm, PassFilterForm, PickerForm
from fangkong.registry.models import Community

_NUMBER = re.compile(r"^[0-9]{1,24}$")


def _filters(request, *, strict: bool = False) -> tuple[PassFilterForm, dict]:
    """The list's filters; `strict` (printing) refuses a bad filter rather than dropping it."""
    # Refused before anything is read, as the API refuses it: the suspended passes list who is under observation.
    selectors.status_filter_check(actor=request.user, status=request.GET.get("status", ""))
    communities = Community.objects.for_scope(scope_of(request.user)).order_by("code").values_list("id", "name")
    form = PassFilterForm(request.GET or None, communities=communities,
                          suspended=role_can(request.user.role, Perm.VIEW_HEALTH))
    if form.is_bound and not form.is_valid() and strict:
        field, errors = next(iter(form.errors.items()))
        raise FieldError(field, "invalid", errors[0])
    params = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and form.is_valid() else {}
    return form, params


# The most PDF parts the list offers at once (10,000 cards); beyond, it asks for a narrower filter.
PRINT_PARTS_MAX = 20


def _parts(count: int) -> list[tuple[int, int, int, bool]]:
    """(part, first card, last card, direct) for PDFs of at most MAX_CARDS_PER_PDF cards each; `direct`
    when the part is small enough to write while the browser waits, else it goes through a print job."""
    size = services.MAX_CARDS_PER_PDF
    return [(n, (n - 1) * size + 1, last := min(n * size, count), last - (n - 1) * size <= tasks.DIRECT_MAX_CARDS)
            for n in range(1, -(-count // size) + 1)]


@page(Perm.VIEW_PASSES)
def pass_list(request):
    form, params = _filters(request)
    passes = selectors.pass_list(actor=request.user, **params).select_related("issued_by")
    page = page_of(request, passes)
    for p in page:
        p.holder_masked = mask_name(p.person.name)
    can_print = role_can(request.user.role, Perm.PRINT_PASSES)
    parts, print_more = [], False
    if can_print:  # counted up to what one page of links may offer: a city's passes are printed by community
        cards, print_more = count_bounded(selectors.pass_print_list(actor=request.user, **params),
                                          PRINT_PARTS_MAX * services.MAX_CARDS_PER_PDF)
        parts = [] if print_more else _parts(cards)
    template = "passes/_pass_rows.html" if request.htmx else "passes/pass_list.html"
    return render(request, template, {
        "form": form, "page": page, "can_print": can_print, "parts": parts, "print_query": urlencode(params),
        "print_more": print_more, "print_max": PRINT_PARTS_MAX * services.MAX_CARDS_PER_PDF,
        "single_part": len(parts) == 1, "can_issue": role_can(request.user.role, Perm.ISSUE_PASSES),
        "can_view_people": role_can(request.user.role, Perm.VIEW_REGISTRY),
    })


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit() and 0 < int(v) < 2**31})


@page(Perm.ISSUE_PASSES)
def issue(request):
    """Issue passes to a group: ?by=category (default), grid, building or picked. Picked people are
    ticked from a search on this page, or arrive ticked as ?person=…&person=… from another page."""
    communities = list(selectors.issuing_communities(actor=request.user))
    by = request.POST.get("by") or request.GET.get("by") or "category"
    by = by if by in selectors.BULK_BY else "category"
    grids = list(selectors.issuing_grids(actor=request.user)) if by == "grid" else []
    buildings = list(selectors.issuing_buildings(actor=request.user)) if by == "building" else []
    form = BulkIssueForm(request.POST or None, by=by, communities=communities, grids=grids, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = form.chosen_community(communities)
        target = {"grid": data.get("grid"), "building": data.get("building"), "people": data.get("people") or ()}
        label = (dict(form.fields[by].choices).get(data[by], "") if by in ("grid", "building")
                 else str(selectors.BULK_GROUPS[data["group"]][0]) if by == "category"
                 else _("%(n)d people picked") % {"n": len(target["people"])})
        job_id = tasks.bulk_issue_start(actor=request.user, community=community, kind=data["kind"], by=by,
                                        group=data.get("group", ""), valid_from=data["valid_from"],
                                        valid_until=data["valid_until"], label=label, **target)
        return redirect("passes:issue_job", job_id=job_id)
    context = {"form": form, "by": by, "ways": selectors.BULK_BY, "fields": [
        form[name] for name in ("community", "group", "grid", "building", "kind", "valid_from", "valid_until")
        if name in form.fields and not (by == "picked" and name == "community")]}
    if by == "picked":
        context.update(_picker(request, communities, form))
    return render(request, "passes/issue.html", context)


def _picker(request, communities: list[Community], form: BulkIssueForm) -> dict:
    """The search and the people to tick. What is ticked stays ticked when the form comes back with an
    error; a new search shows its own results, ticked or not."""
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("community") or (communities[0].code if communities else "")
    community = next((c for c in communities if c.code == code), None)
    ticked = set(_ids(source.getlist("people") + source.getlist("person")))
    asked = any(request.GET.get(k) for k in ("q", "grid", "building", "category", "all"))
    search = PickerForm(request.GET if asked else None, community=community)
    found: list = []
    if community is not None:
        params = search.cleaned_data if search.is_bound and search.is_valid() else {}
        if ticked and not any(params.values()):
            found = list(selectors.bulk_candidates(actor=request.user, community=community, by="picked",
                                                   people=ticked).select_related("household", "grid"))
        elif asked:
            found = list(selectors.pick_candidates(actor=request.user, community=community, **params))
        kinds = selectors.active_kinds(actor=request.user, people=[p.id for p in found])
        for p in found:
            p.ticked = p.id in ticked
            p.pass_kinds = kinds.get(p.id, [])
    return {"search": search, "found": found, "picked_community": community, "ticked": len(ticked),
            "limit": selectors.PICK_LIMIT}


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
    job["query"] = urlencode({"job": job["id"]})
    template = "passes/_issue_status.html" if request.htmx else "passes/issue_job.html"
    return render(request, template, {"job": job})


def _print_numbers(request, source) -> tuple[list[str] | None, dict, int]:
    """What a print request names: ?number=… (repeatable), ?job= (a bulk issue's passes) or the list's
    filters; and which part of MAX_CARDS_PER_PDF cards."""
    _form, params = _filters(request, strict=True)
    numbers = source.getlist("number") or None
    if numbers and not all(_NUMBER.match(n) for n in numbers):
        raise FieldError("number", "invalid", _("A pass number has digits only"))
    if source.get("job"):
        numbers = _job(request, source["job"])["numbers"]
    part = source.get("part", "1")
    part = int(part) if part.isdigit() and 0 < int(part) < 10**6 else 1
    return numbers, params, part


@page(Perm.PRINT_PASSES)
def print_pdf(request):
    """?kind=&status=&q=&community= as on the list, or ?number=… (repeatable), or ?job= (a bulk issue's
    passes); ?part=2 for the second MAX_CARDS_PER_PDF cards and so on. Written while the browser
    waits: the pages link here for a few cards and start a print job for more."""
    numbers, params, part = _print_numbers(request, request.GET)
    size = services.MAX_CARDS_PER_PDF
    passes = list(selectors.pass_print_list(actor=request.user, numbers=numbers, **params)[
        (part - 1) * size:part * size])
    pdf = services.pass_cards_export(actor=request.user, passes=passes)
    return _pdf_response(pdf, part)


def _pdf_response(pdf, part: int) -> HttpResponse:
    name = f"通行证-{timezone.localdate():%Y%m%d}" + (f"-{part}" if part > 1 else "") + ".pdf"
    response = (FileResponse(pdf, content_type="application/pdf") if hasattr(pdf, "read")
                else HttpResponse(pdf, content_type="application/pdf"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


@page(Perm.PRINT_PASSES, methods=("POST",))
def print_start(request):
    """Start a print job for what `print_pdf` would write (the same fields, posted), and show its
    progress. The filters come in the query string, the rest in the form."""
    numbers, params, part = _print_numbers(request, request.POST)
    size = services.MAX_CARDS_PER_PDF
    chosen = selectors.pass_print_list(actor=request.user, numbers=numbers, **params)
    parts = -(-chosen.count() // size)
    numbers = list(chosen.values_list("number", flat=True)[(part - 1) * size:part * size])
    job_id = tasks.print_job_start(actor=request.user, numbers=numbers, part=part, parts=parts)
    return redirect("passes:print_job", job_id=job_id)


def _print_job(request, job_id: str) -> dict:
    job = tasks.print_job_get(job_id)
    scope = scope_of(request.user)
    if job is None or not all(scope.covers_whole_community(c) for c in job["per_community"]):
        raise NotFound(_("No such job, or it is more than a day old"))
    return job


@page(Perm.PRINT_PASSES, within=Within.OWN)
def print_job(request, job_id: str):
    job = _print_job(request, job_id)
    job["percent"] = int(100 * job["done"] / job["total"]) if job.get("total") else 0
    job["last"] = job["cards"] + (job["part"] - 1) * services.MAX_CARDS_PER_PDF
    job["first"] = job["last"] - job["cards"] + 1
    template = "passes/_print_status.html" if request.htmx else "passes/print_job.html"
    return render(request, template, {"job": job})


@page(Perm.PRINT_PASSES, within=Within.OWN, methods=("GET", "HEAD"))
def print_job_file(request, job_id: str):
    """The finished PDF; each download is audited as an export by whoever downloads it."""
    job = _print_job(request, job_id)
    path = tasks.print_file(job)
    if job["status"] != "done" or not path.exists():
        raise FieldError("job", "not_ready", _("The PDF is not ready yet"))
    services.pass_cards_export_record(actor=request.user, per_community=job["per_community"])
    return _pdf_response(path.open("rb"), job["part"])
