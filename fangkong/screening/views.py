"""Screening pages: rounds and their coverage, the phone form of a door-to-door visit, daily changes.

The visit page posts one form made of the visit, one block per current member and the people found who
are not in the registry; `visit_record` decides, atomically. Errors come back next to their fields (422)
and nothing is recorded; a replayed client_id (a double tap) records the visit once.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError, FieldError, NotFound
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import page_of
from fangkong.core.params import int_param
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry import selectors as registry_selectors
from fangkong.registry.flags import person_flags
from fangkong.screening import selectors, services
from fangkong.screening.forms import (
    CLIENT_ID,
    MAX_NEW_PEOPLE,
    PROVINCES,
    ChangesForm,
    MemberForm,
    RoundForm,
    VisitForm,
    new_person_forms,
)
from fangkong.screening.models import Round, Visit
from fangkong.screening.selectors import HouseholdRow

SEARCH_LIMIT = 30
LIST_CAP = 50  # households listed on the round page under "still to visit" and "nobody seen yet"


def _client_id(request, raw: str | None) -> str | None:
    """Namespaced by user, so a client_id can only ever replay the user's own visit."""
    return f"web:{request.user.pk}:{raw}" if raw else None


def _field_errors(exc: DomainError) -> list[FieldError]:
    """The refusal's field errors, for the form; a refusal of the whole request (404, 403) goes on to
    the error page."""
    if not exc.field_errors:
        raise exc
    return exc.field_errors


# --- rounds ---------------------------------------------------------------------------------------------


@page(Perm.VIEW_SCREENING)
def round_list(request):
    can_manage = role_can(request.user.role, Perm.MANAGE_SCREENING)
    form = None
    if can_manage:
        communities = selectors.round_communities(actor=request.user)
        grids = selectors.community_grids(communities=communities)
        today = local_today()
        form = RoundForm(request.POST or None, communities=communities, grids=grids,
                         initial={"starts_on": today, "deadline": today})
    if request.method == "POST":
        require(request.user, Perm.MANAGE_SCREENING)
        if form.is_valid():
            d = form.cleaned_data
            community = next(c for c in communities if c.code == d["community"])
            chosen = set(d["grids"])
            try:
                rnd = services.round_create(
                    actor=request.user, community=community, name=d["name"], starts_on=d["starts_on"],
                    deadline=d["deadline"], grids=sorted((g for g in grids if g.id in chosen), key=lambda g: g.id),
                )
            except DomainError as exc:
                for e in _field_errors(exc):
                    form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, _("Round “%(name)s” opened.") % {"name": rnd.name})
                return redirect("screening:round_detail", pk=rnd.pk)

    rounds = selectors.round_list(actor=request.user).order_by(
        F("closed_at").desc(nulls_first=True), "-starts_on", "-id")
    page = page_of(request, rounds, 20)
    page.object_list = list(page.object_list)
    tallies = selectors.round_household_tallies(actor=request.user, rounds=page.object_list)
    for rnd in page.object_list:
        rnd.coverage = tallies[rnd.id]
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "screening/round_list.html", {
        "page": page, "form": form, "can_screen": role_can(request.user.role, Perm.SCREEN),
        "open_form": request.GET.get("open") == "1"}, status=status)


class _CountedPaginator(Paginator):
    """A paginator told its count: the coverage figures already hold it (people total − people seen)."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _never_seen_page(request, coverage):
    t = coverage.total
    page = _CountedPaginator(coverage.people_never_seen, 100, count=t.people_total - t.people_seen).get_page(
        request.GET.get("page"))
    page.object_list = list(page.object_list)
    flags = person_flags([p.id for p in page.object_list], reader=request.user)
    for p in page.object_list:
        p.masked_name = mask_name(p.name)
        p.flags = flags.get(p.id, [])
    return page


@page(Perm.VIEW_SCREENING, within=Within.COMMUNITY, methods=("GET", "HEAD"))
def round_detail(request, pk: int):
    rnd = selectors.round_get(actor=request.user, pk=pk)
    grid_id = int_param(request.GET.get("grid"))
    coverage = selectors.round_coverage(actor=request.user, rnd=rnd, grid_id=grid_id)
    show_lists = coverage.lists_visible
    remaining, unreachable = coverage.remaining_households, coverage.unreachable_households
    return render(request, "screening/round_detail.html", {
        "round": rnd, "coverage": coverage, "grid_id": grid_id, "show_lists": show_lists,
        # The first doors of each list; all of them are on the door list, one tap away.
        "remaining": remaining[:LIST_CAP], "remaining_more": max(len(remaining) - LIST_CAP, 0),
        "unreachable": unreachable[:LIST_CAP], "unreachable_more": max(len(unreachable) - LIST_CAP, 0),
        "door_list_url": _door_list_url(rnd.pk, grid_id=grid_id), "visit_url": _visit_url(rnd.pk),
        "person_url": _url_around("registry:person_detail"),
        "can_visit": show_lists and rnd.closed_at is None,
        "can_close": (rnd.closed_at is None and role_can(request.user.role, Perm.MANAGE_SCREENING)
                      and scope_of(request.user).covers_whole_community(rnd.community_id)),
        "never_seen": _never_seen_page(request, coverage) if show_lists else None,
        "workers": selectors.round_workers(rnd=rnd),
    })


@page(Perm.MANAGE_SCREENING, within=Within.COMMUNITY, methods=("POST",))
def round_close(request, pk: int):
    rnd = selectors.round_get(actor=request.user, pk=pk)
    services.round_close(actor=request.user, rnd=rnd)
    messages.success(request, _("Round “%(name)s” closed.") % {"name": rnd.name})
    return redirect("screening:round_detail", pk=rnd.pk)


# --- today: where a grid worker's day starts ------------------------------------------------------------


@page(Perm.SCREEN, methods=("GET", "HEAD"))
def today(request):
    """Straight to the door list of today's open round over the worker's grid; with several grids or
    rounds, a choice; with none, a page that says so (and offers to open one to those who may)."""
    choices = selectors.today_choices(actor=request.user)
    if len(choices) == 1:
        return redirect(_door_list_url(choices[0].round.pk, grid_id=choices[0].grid.pk))
    can_open = role_can(request.user.role, Perm.MANAGE_SCREENING) and bool(
        selectors.round_communities(actor=request.user))
    return render(request, "screening/today.html", {
        "choices": [(c, _door_list_url(c.round.pk, grid_id=c.grid.pk)) for c in choices], "can_open": can_open,
    })


def _url_around(name: str, *args: int) -> tuple[str, str]:
    """A URL whose last argument is an id, as (before, after) the id: a list of a thousand doors joins
    strings rather than resolving the URL a thousand times."""
    before, _sep, after = reverse(name, args=[*args, 987654321]).partition("987654321")
    return before, after


def _visit_url(round_pk: int) -> tuple[str, str]:
    """The visit page of the round around a household id."""
    return _url_around("screening:visit_record", round_pk)


def _door_list_url(round_pk: int, *, grid_id: int | None = None, after: int | None = None) -> str:
    """The door list of a round (households still to visit, next door first), one grid's when given."""
    params = {k: v for k, v in (("grid", grid_id), ("after", after)) if v}
    url = reverse("screening:visit_start", args=[round_pk])
    return f"{url}?{urlencode(params)}" if params else url


# --- visits ---------------------------------------------------------------------------------------------


def _open_round(request, pk: int) -> Round | None:
    require(request.user, Perm.SCREEN)
    rnd = selectors.round_get(actor=request.user, pk=pk)
    if rnd.closed_at is not None:
        messages.error(request, _("The round is closed: no more visits are recorded in it."))
        return None
    return rnd


@page(Perm.SCREEN, within=Within.COMMUNITY, methods=("GET", "HEAD"))
def visit_start(request, pk: int):
    """The door list: the households still to visit, the actor's own first, then in address order starting
    from the door after the one just visited (`after`); then those where nobody was seen; or search by
    address. `grid` narrows it to one grid."""
    rnd = _open_round(request, pk)
    if rnd is None:
        return redirect("screening:round_detail", pk=pk)
    grid_id = int_param(request.GET.get("grid"))
    coverage = selectors.round_coverage(actor=request.user, rnd=rnd, grid_id=grid_id)
    mine = selectors.liaison_household_ids(actor=request.user)
    q = request.GET.get("q", "").strip()[:100]
    order = {h.id: i for i, h in enumerate(coverage.households)}
    if q:
        by_id = {h.id: h for h in coverage.households}
        found = selectors.round_household_search(actor=request.user, rnd=rnd, q=q, limit=SEARCH_LIMIT,
                                                 grid_ids=[g.id for g, _t in coverage.by_grid])
        rows = [by_id.get(h.id) or HouseholdRow(h.id, h.address, h.grid.name, "empty") for h in found]
    else:
        rows = coverage.remaining_households + coverage.unreachable_households
    after = order.get(int_param(request.GET.get("after")) or 0, -1)
    n = len(order) or 1
    rows.sort(key=lambda h: (h.status != "remaining", h.id not in mine, (order.get(h.id, n) - after - 1) % (n + 1)))
    return render(request, "screening/visit_start.html", {
        "round": rnd, "coverage": coverage, "rows": rows, "mine": mine, "q": q, "limit": SEARCH_LIMIT,
        "grid_id": grid_id if coverage.by_grid else None, "visit_url": _visit_url(rnd.pk),
    })


def _place_in(errors: list[FieldError], visit_form, members: list, new_forms: list) -> None:
    """Put each error of the service next to its field: people.<i>.<field> is the i-th member checked,
    new_people.<i>.<field> the i-th person added."""
    for e in errors:
        parts = e.field.split(".")
        if parts[0] in ("people", "new_people") and len(parts) == 3 and parts[1].isdigit():
            forms = members if parts[0] == "people" else new_forms
            i, name = int(parts[1]), parts[2]
            if i < len(forms):
                target = forms[i]
                target.add_error(name if name in target.fields else None, e.message)
                continue
        visit_form.add_error(e.field if e.field in visit_form.fields else None, e.message)


def _quiet(*forms) -> None:
    """Show what was typed without judging it yet (the page was only asked for one more block)."""
    for f in forms:
        f._errors = ErrorDict()


@page(Perm.SCREEN, within=Within.GRID)
def visit_record(request, pk: int, hh: int):
    rnd = _open_round(request, pk)
    if rnd is None:
        return redirect("screening:round_detail", pk=pk)
    household = selectors.round_household_get(actor=request.user, rnd=rnd, pk=hh)
    members = selectors.household_members_with_flags(household, reader=request.user)
    data = request.POST if request.method == "POST" else None
    grid_id = int_param(request.POST.get("grid") if data else request.GET.get("grid"))  # the door list's grid
    form = VisitForm(data)
    member_forms = [(p, flags, MemberForm(data, prefix=f"m{p.pk}")) for p, flags in members]
    count = min(max(int_param(request.POST.get("new_count")) or 1, 1), MAX_NEW_PEOPLE)
    new_forms = new_person_forms(data, count)
    status = 200

    if request.method == "POST" and "add_person" in request.POST:  # one more block; nothing recorded
        _quiet(form, *[f for _p, _flags, f in member_forms], *new_forms)
        if count < MAX_NEW_PEOPLE:
            new_forms.append(new_person_forms(None, count + 1)[-1])
            count += 1
    elif request.method == "POST":
        visit = _try_record(request, rnd, household, form, member_forms, new_forms)
        if visit is not None:
            messages.success(request, _("Visit to %(address)s recorded (%(outcome)s).") % {
                "address": household.address, "outcome": visit.get_outcome_display()})
            # Back to the door list, the next door first: one tap to the next household.
            return redirect(_door_list_url(rnd.pk, grid_id=grid_id, after=household.pk))
        status = 422

    # The same client_id until the visit is recorded: a double tap on the corrected page records it once.
    client_id = request.POST.get("client_id", "")
    if not re.fullmatch(CLIENT_ID, client_id):
        client_id = uuid.uuid4().hex
    visits = selectors.visit_list(actor=request.user, rnd=rnd, household_id=household.pk).order_by("at")
    key_areas = policy_values_cached(community_id=household.community_id, on=local_today())["key_areas"]
    return render(request, "screening/visit_record.html", {
        "round": rnd, "household": household, "form": form, "members": member_forms, "new_forms": new_forms,
        "new_count": count, "max_new": MAX_NEW_PEOPLE, "client_id": client_id, "visits": visits,
        "places": list(dict.fromkeys([*key_areas, *PROVINCES])), "failed": status == 422,
        "grid_id": grid_id, "door_list_url": _door_list_url(rnd.pk, grid_id=grid_id),
    }, status=status)


def _try_record(request, rnd, household, form, member_forms, new_forms) -> Visit | None:
    """Validate the whole page, then record through the service; None (with the errors on the forms) if not."""
    ok = form.is_valid()
    # Members are listed only when people were seen (or the outcome is missing: their mistakes show too);
    # a block not on the page when it was opened (someone who moved in since) is left out, not recorded as away.
    seen = not ok or form.cleaned_data["outcome"] == Visit.Outcome.SEEN
    listed = [(p, f) for p, _flags, f in member_forms if f.add_prefix("listed") in request.POST] if seen else []
    ok = all([f.is_valid() for _p, f in listed]) and ok
    # A filled-in new person goes to the service even when nobody was seen, so that it says why not.
    added = [f for f in new_forms if not f.is_blank]
    ok = all([f.is_valid() for f in added]) and ok
    people = []
    for f in added:  # the person's fields are checked even when the block has other mistakes: all show at once
        try:
            data = f.person_data()
        except DomainError as exc:
            for e in _field_errors(exc):
                if e.field not in f.errors:  # a field already marked by the form keeps its one message
                    f.add_error(e.field if e.field in f.fields else None, e.message)
            ok = False
        else:
            if f.is_valid():
                people.append(services.NewPerson(data=data, relation=f.cleaned_data["relation"], check=f.check()))
    if not ok:
        return None
    d = form.cleaned_data
    try:
        return services.visit_record(
            actor=request.user, rnd=rnd, household=household, outcome=d["outcome"],
            checks=[f.check(p.pk) for p, f in listed], new_people=people, handouts=d["handouts"], note=d["note"],
            client_id=_client_id(request, d["client_id"]),
        )
    except DomainError as exc:
        _place_in(_field_errors(exc), form, [f for _p, f in listed], added)
    return None


# --- daily changes --------------------------------------------------------------------------------------


@page(Perm.VIEW_SCREENING, methods=("GET", "HEAD"))
def changes(request):
    """The day's arrivals, departures and new key-area flags of a community, by person for those who visit;
    as figures per community, nobody named, for the street office."""
    if not role_can(request.user.role, Perm.SCREEN):
        return _change_figures(request)
    communities = list(registry_selectors.community_list(actor=request.user).order_by("code"))
    form = ChangesForm(request.GET or None)
    d = {}
    if form.is_bound:
        form.is_valid()  # a bad day is shown; the fields that are right are used
        d = form.cleaned_data
    code = d.get("community") or (communities[0].code if communities else "")
    if not code:
        raise NotFound(_("No community in your scope"))
    community = registry_selectors.community_get(actor=request.user, code=code)
    found = selectors.daily_changes(actor=request.user, community=community, day=d.get("day"))
    people = [m.person for m in found.arrivals + found.departures] + [r.person for r in found.new_flags]
    flags = person_flags([p.id for p in people], reader=request.user)
    for p in people:
        p.masked_name = mask_name(p.name)
        p.flags = flags.get(p.id, [])
    return render(request, "screening/changes.html", {
        "form": form, "community": community, "changes": found, "communities": communities,
        "rounds_url": reverse("screening:round_list"),
    })


def _change_figures(request):
    form = ChangesForm(request.GET or None)
    day = None
    if form.is_bound and form.is_valid():
        day = form.cleaned_data.get("day")
    since, until, rows = selectors.daily_change_figures(actor=request.user, day=day)
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("arrivals", "departures", "new_flags")}
    return render(request, "screening/changes_figures.html", {
        "form": form, "since": since, "until": until, "rows": rows, "totals": totals,
        "rounds_url": reverse("screening:round_list"),
    })
