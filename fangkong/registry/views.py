from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import Code, DomainError, FieldError, NotFound
from fangkong.core.paging import CURSOR_MAX, pager_links
from fangkong.registry import selectors, services
from fangkong.registry.flags import person_flags
from fangkong.registry.forms import ImportForm, PersonForm, PersonSearchForm
from fangkong.registry.importing import template_xlsx
from fangkong.registry.models import ImportJob, Tag
from fangkong.registry.tasks import run_import_job
from fangkong.registry.timeline import timeline
from fangkong.registry.validation import person_data_from


@page(None)
def home(request):
    """Where each user starts: the door-to-door worker on today's round, the gate staff at their gate, the
    desk and the street office at the command post (what needs attention, the charts). By URL name only:
    the pages named belong to apps above this one."""
    role = request.user.role
    if role_can(role, Perm.SCREEN) and not role_can(role, Perm.MANAGE_SCREENING):
        return redirect("screening:today")  # a grid worker: today's round over their grid
    if role_can(role, Perm.VIEW_DASHBOARD):
        return redirect("dashboard:home")  # the desk and the street office: the command post
    if role_can(role, Perm.VIEW_REGISTRY):
        return redirect("registry:person_list")
    if role_can(role, Perm.SCAN):
        return redirect("gates:duty")  # guards and volunteers: the console of the gate they are on duty at
    return redirect("workgroup:org_chart_home")


@page(Perm.VIEW_REGISTRY)
def person_list(request):
    communities, grids = selectors.grid_choices(actor=request.user, community=request.GET.get("community"),
                                                most=PersonSearchForm.GRID_CHOICES_MAX)
    form = PersonSearchForm(request.GET or None, grids=grids, communities=communities, tags=Tag.objects.all())
    params = form.cleaned_data if form.is_valid() else {}
    page = selectors.person_page(
        actor=request.user, q=params.get("q") or "", grid=params.get("grid"), community=params.get("community"),
        category=params.get("category") or "", tag=params.get("tag") or "", cursor=_cursor(request),
    )
    # One call for the page (key-area history…), with the flags this reader may see.
    flags = person_flags([p.id for p in page.items], reader=request.user)
    for p in page.items:
        p.flags = flags.get(p.id, [])
    template = "registry/_person_rows.html" if request.htmx else "registry/person_list.html"
    return render(request, template, {"form": form, "page": page, **pager_links(request, page)})


def _cursor(request) -> str | None:
    """The page's `cursor`; a malformed one is refused by the selector (400), an overlong one here."""
    cursor = request.GET.get("cursor", "")
    if len(cursor) > CURSOR_MAX:
        raise FieldError("cursor", Code.TOO_LONG, _("Not a cursor this list gave"))
    return cursor or None


@page(Perm.VIEW_REGISTRY, within=Within.GRID)
def person_detail(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    return render(request, "registry/person_detail.html", {
        "person": person,
        "flags": person_flags([person.pk], reader=request.user).get(person.pk, []),
        "memberships": selectors.person_memberships(person=person),
        "events": timeline(person, reader=request.user),
        "can_reveal_id": role_can(request.user.role, Perm.REVEAL_ID_NUMBER),
        "can_reveal_phone": role_can(request.user.role, Perm.REVEAL_PHONE),
        "can_observe": role_can(request.user.role, Perm.MANAGE_OBSERVATION),
    })


# Revealing a phone is the least a reveal needs; the ID number also needs REVEAL_ID_NUMBER (the service).
@page(Perm.REVEAL_PHONE, within=Within.GRID, methods=("POST",))
def person_reveal(request, pk: int, field: str):
    person = selectors.person_get(actor=request.user, pk=pk)
    value = services.person_reveal(actor=request.user, person=person, field=field)
    return render(request, "registry/_revealed.html", {"value": value, "field": field})


@page(Perm.VIEW_REGISTRY)
def household_list(request):
    page = selectors.household_page(actor=request.user, q=request.GET.get("q", ""), cursor=_cursor(request))
    return render(request, "registry/household_list.html", {"page": page, "q": request.GET.get("q", ""),
                                                            **pager_links(request, page)})


@page(Perm.VIEW_REGISTRY, within=Within.GRID)
def household_detail(request, pk: int):
    household = selectors.household_get(actor=request.user, pk=pk)
    tags = Tag.objects.all()
    form = PersonForm(request.POST or None, tags=tags, initial={"relation": "other", "category": "registered"})
    errors = []
    if request.method == "POST" and form.is_valid():
        require(request.user, Perm.EDIT_REGISTRY)
        try:
            data = person_data_from(form.cleaned_data)
            services.person_register(
                actor=request.user, data=data, community=household.community, household=household,
                relation=form.cleaned_data["relation"],
            )
        except DomainError as exc:
            errors = exc.field_errors or [exc]
        else:
            messages.success(request, _("Person registered"))
            return redirect("registry:household_detail", pk=household.pk)
    liaison = getattr(household, "liaison", None)
    members = list(selectors.household_members(household=household))
    flags = person_flags([m.person_id for m in members], reader=request.user)
    for m in members:
        m.person.flags = flags.get(m.person_id, [])
    return render(request, "registry/household_detail.html", {
        "household": household, "members": members,
        "form": form, "errors": errors, "liaison": liaison,
        "can_edit": role_can(request.user.role, Perm.EDIT_REGISTRY),
    })


@page(Perm.IMPORT_REGISTRY)
def import_template(request):
    response = HttpResponse(
        template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('人口导入模板.xlsx')}"
    return response


@page(Perm.IMPORT_REGISTRY)
def import_start(request):
    communities = [c for c in selectors.community_list(actor=request.user)
                   if scope_of(request.user).covers_whole_community(c.id)]
    form = ImportForm(request.POST or None, request.FILES or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        community = selectors.community_get(actor=request.user, code=form.cleaned_data["community"])
        upload = form.cleaned_data["file"]
        folder = settings.MEDIA_ROOT / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        # The reader goes by the suffix, which the form has checked: keep it, and nothing else of the name.
        path = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        job = ImportJob.objects.create(
            community=community, created_by=request.user, filename=upload.name[:200], stored_path=str(path)
        )
        run_import_job.enqueue(job.pk)
        return redirect("registry:import_job", pk=job.pk)
    jobs = ImportJob.objects.for_scope(scope_of(request.user)).filter(created_by=request.user)[:10]
    return render(request, "registry/import_start.html", {"form": form, "jobs": jobs})


@page(Perm.IMPORT_REGISTRY, within=Within.OWN)
def import_job(request, pk: int):
    job = ImportJob.objects.for_scope(scope_of(request.user)).filter(pk=pk).first()
    if job is None:
        raise NotFound(_("No such import"))
    template = "registry/_import_status.html" if request.htmx else "registry/import_job.html"
    return render(request, template, {"job": job})
