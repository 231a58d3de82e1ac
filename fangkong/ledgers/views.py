"""Pages of the ledgers app: the downloads list with the export form, an export's status (polled by
htmx), its file, and the layouts a community or street keeps of each ledger."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.core.errors import FieldError, NotFound, ValidationErrors
from fangkong.ledgers import jobs, selectors, services
from fangkong.ledgers.forms import ExportForm, LayoutForm
from fangkong.ledgers.spec import Level
from fangkong.registry.models import Community, Street
from fangkong.registry.selectors import community_get, community_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _whole_communities(user) -> list[Community]:
    scope = scope_of(user)
    return [c for c in community_list(actor=user) if scope.covers_whole_community(c.id)]


def _may_reveal(user) -> bool:
    return role_can(user.role, Perm.REVEAL_ID_NUMBER) or role_can(user.role, Perm.REVEAL_PHONE)


@page(Perm.EXPORT_LEDGERS)
def exports(request: HttpRequest) -> HttpResponse:
    """The downloads list and the export form; after a request the password is shown here, once."""
    jobs.exports_expire()
    form = ExportForm(request.POST or None, ledgers=selectors.ledger_choices(actor=request.user),
                      communities=_whole_communities(request.user), may_reveal=_may_reveal(request.user))
    made = password = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = community_get(actor=request.user, code=data["community"]) if data["community"] else None
        try:
            made, password = services.export_request(
                actor=request.user, ledger=data["ledger"], community=community, date_from=data["date_from"],
                date_to=data["date_to"], masked=True if not _may_reveal(request.user) else data.get("masked"))
        except FieldError as exc:  # the date range, a community missing
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    rows = list(selectors.export_list(actor=request.user)[:50])
    response = render(request, "ledgers/exports.html", {"form": form, "exports": rows, "made": made,
                                                        "password": password})
    if password:
        response["Cache-Control"] = "no-store"  # the password is on this page: keep it out of every cache
    return response


@page(Perm.EXPORT_LEDGERS, within=Within.OWN, methods=("GET", "HEAD"))
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One row of the downloads list; htmx polls it while the export is queued or running."""
    export = selectors.export_get(actor=request.user, pk=pk)
    return render(request, "ledgers/_export_row.html", {"e": export})


@page(Perm.EXPORT_LEDGERS, within=Within.OWN, methods=("GET", "HEAD"))
def export_file(request: HttpRequest, pk: int) -> HttpResponse:
    export, path = services.export_file_open(actor=request.user, pk=pk)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=export.filename, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response


def _place(request: HttpRequest, level: str, code: str) -> tuple[Community | None, Street | None]:
    if level == Level.COMMUNITY:
        community = community_get(actor=request.user, code=code)
        if not scope_of(request.user).covers_whole_community(community.pk):
            raise NotFound(_("No such community in your scope"))
        return community, None
    street = Street.objects.filter(code=code).first()
    if level != Level.STREET or street is None or not selectors.street_held(actor=request.user, street=street):
        raise NotFound(_("No such street in your scope"))
    return None, street


@page(Perm.EDIT_LAYOUTS, methods=("GET", "HEAD"))
def layouts(request: HttpRequest) -> HttpResponse:
    """Every ledger, for each community (and street) the user keeps layouts for, with the layout in force."""
    places = [(Level.COMMUNITY, c.code, c.name, c, None) for c in _whole_communities(request.user)]
    places += [(Level.STREET, s.code, s.name, None, s) for s in selectors.streets_in_scope(actor=request.user)
               if selectors.street_held(actor=request.user, street=s)]
    rows = []
    for key, name in selectors.ledger_choices(actor=request.user) or []:
        for level, code, place_name, community, street in places:
            own = selectors.ledger_layout_stored(ledger=key, community=community, street=street)
            layout = selectors.ledger_layout_effective(ledger=key, community=community, street=street)
            rows.append({"ledger": key, "name": name, "level": level, "code": code, "place": place_name,
                         "title": layout.title, "own": own, "columns": len(layout.columns)})
    return render(request, "ledgers/layouts.html", {"rows": rows})


@page(Perm.EDIT_LAYOUTS, within=Within.COMMUNITY)
def layout_edit(request: HttpRequest, ledger: str, level: str, code: str) -> HttpResponse:
    spec = selectors.spec_get(ledger)
    community, street = _place(request, level, code)
    place = {"community": community, "street": street}
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.ledger_layout_reset(actor=request.user, ledger=ledger, **place)
        messages.success(request, _("The layout is back to the default."))
        return redirect("ledgers:layout_edit", ledger=ledger, level=level, code=code)
    layout = selectors.ledger_layout_effective(ledger=ledger, **place)
    form = LayoutForm(request.POST or None, spec=spec, layout=layout)
    if request.method == "POST" and form.is_valid():
        try:
            services.ledger_layout_set(actor=request.user, ledger=ledger, title=form.cleaned_data["title"],
                                       columns=form.columns(), **place)
        except ValidationErrors as exc:
            for error in exc.errors:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Layout saved: the next export uses it."))
            return redirect("ledgers:layout_edit", ledger=ledger, level=level, code=code)
    own = selectors.ledger_layout_stored(ledger=ledger, **place)
    return render(request, "ledgers/layout_edit.html", {
        "form": form, "spec": spec, "ledger_name": selectors.ledger_label(ledger), "own": own,
        "place": community or street, "level": level})
