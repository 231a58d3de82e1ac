"""The roster of gate shifts: the next 48 hours of every gate, the week grid of one gate, adding, changing
and deleting a shift under the roster's rules (nobody on two shifts at once, a committee member leads),
and the list of gates (a guard's own gates first)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import Scope, scope_of
from fangkong.accounts.selectors import user_communities, users_with_perm_in_scope
from fangkong.accounts.services import require
from fangkong.core.dates import EARLIEST_DATE, LATEST_DATE
from fangkong.core.errors import DomainError
from fangkong.core.forms import form_add_domain_error
from fangkong.core.paging import page_of
from fangkong.gates.forms import ShiftForm
from fangkong.gates.models import Gate, Shift
from fangkong.gates.selectors import gate_list, roster_gate, roster_week, uncovered, week_start
from fangkong.gates.services import (
    clash_message,
    roster_conflicts,
    shift_add,
    shift_delete,
    shift_get,
    shift_update,
    span_text,
)
from fangkong.workgroup.models import Member

ROSTER_HOURS = 48


def _shift_form(request, scope, gates: list[Gate], *, shift: Shift | None = None) -> ShiftForm:
    ids = [g.id for g in gates if scope.covers_whole_community(g.community_id)]
    communities = sorted({g.community_id for g in gates if g.id in ids})
    # Who may stand a shift: those who scan, wherever their grants reach the gates' communities.
    staff = users_with_perm_in_scope(perm=Perm.SCAN, scope=Scope(community_ids=frozenset(communities)))
    if shift is not None:
        # Who stands the shift stays on the list, whatever became of their role, so that saving keeps them.
        staff = User.objects.filter(Q(pk__in=staff.values("pk")) | Q(pk__in=[u.pk for u in shift.staff.all()]))
        staff = staff.order_by("username")
        initial = {"gate": shift.gate_id, "starts_at": timezone.localtime(shift.starts_at),
                   "ends_at": timezone.localtime(shift.ends_at), "leader": shift.leader_id,
                   "staff": [u.pk for u in shift.staff.all()]}
    else:
        initial = {"gate": request.GET.get("gate"), "starts_at": request.GET.get("start"),
                   "ends_at": request.GET.get("end")}
        if not initial["starts_at"]:
            start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            initial.update(starts_at=start, ends_at=start + timedelta(hours=8))
    return ShiftForm(
        request.POST or None, initial=initial,
        staff_communities=user_communities(users=staff, community_ids=communities),
        gates=Gate.objects.filter(pk__in=ids).select_related("community"),
        leaders=Member.objects.filter(community_id__in=communities).order_by("community_id", "order", "id"),
        staff=staff,
    )


def _scoped_gates(user) -> list[Gate]:
    return list(Gate.objects.for_scope(scope_of(user)).select_related("community").order_by("community__code", "code"))


def _conflict_notes(shifts: list[Shift], scope) -> dict[int, list[str]]:
    """Each shift's clashes in words, by shift id."""
    return {pk: [clash_message(c, scope=scope) for c in clashes]
            for pk, clashes in roster_conflicts(shifts=shifts).items()}


def _decorate(shifts: list[Shift], notes: dict[int, list[str]]) -> None:
    for s in shifts:
        s.conflicts = notes.get(s.pk, [])
        s.span = span_text(s.starts_at, s.ends_at)


def _save(request, form: ShiftForm, *, shift: Shift | None = None) -> Shift | None:
    """Add or change the shift from a valid form; the roster's rules become the form's field errors."""
    d = form.cleaned_data
    values = {"gate": d["gate"], "starts_at": d["starts_at"], "ends_at": d["ends_at"], "leader": d["leader"],
              "staff": list(d["staff"])}
    try:
        if shift is None:
            return shift_add(actor=request.user, **values)
        return shift_update(actor=request.user, shift=shift, **values)
    except DomainError as exc:
        if not exc.field_errors:
            raise
        form_add_domain_error(form, exc)
        return None


def _week_url(shift: Shift) -> str:
    day = timezone.localtime(shift.starts_at).date()
    return f"{reverse('gates:roster_week', args=[shift.gate.code])}?week={week_start(day):%Y-%m-%d}"


@page(Perm.VIEW_WORKGROUP)
def roster(request):
    scope = scope_of(request.user)
    gates = _scoped_gates(request.user)
    can_manage = role_can(request.user.role, Perm.MANAGE_ROSTER)
    form = _shift_form(request, scope, gates) if can_manage else None
    if request.method == "POST":
        require(request.user, Perm.MANAGE_ROSTER)
        if form.is_valid() and (shift := _save(request, form)) is not None:
            messages.success(request, _("Shift added at %(gate)s.") % {"gate": shift.gate.name})
            return redirect("gates:roster")

    now = timezone.now()
    until = now + timedelta(hours=ROSTER_HOURS)
    window = list(Shift.objects.filter(gate__in=gates, ends_at__gt=now, starts_at__lt=until)
                  .select_related("leader", "gate").prefetch_related("staff").order_by("starts_at"))
    _decorate(window, _conflict_notes(window, scope))
    shifts: dict[int, list[Shift]] = defaultdict(list)
    for s in window:
        shifts[s.gate_id].append(s)
    rows = [{
        "gate": g,
        "on_duty": [s for s in shifts[g.id] if s.starts_at <= now],
        "upcoming": [s for s in shifts[g.id] if s.starts_at > now],
        "gaps": uncovered(shifts[g.id], now, until),
        "conflicts": sum(len(s.conflicts) for s in shifts[g.id]),
        "can_manage": can_manage and scope.covers_whole_community(g.community_id),
    } for g in gates]
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "gates/roster.html", {
        "rows": rows, "form": form, "hours": ROSTER_HOURS, "now": now,
        "conflicts": sum(r["conflicts"] for r in rows),
    }, status=status)


def _week_param(raw: str | None) -> date:
    """The Monday of the week asked for (?week=YYYY-MM-DD, any day of it); this week when absent or unreadable."""
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        day = timezone.localdate()
    day = min(max(day, EARLIEST_DATE + timedelta(days=7)), LATEST_DATE - timedelta(days=14))
    return week_start(day)


def _day_span(starts_at, ends_at, day: date) -> str:
    """A shift's or gap's times within one day's cell: "08:00–16:00", "16:00–24:00"; the date where it
    starts or ends on another day ("12-03 20:00–04:00")."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    left = f"{start:%H:%M}" if start.date() == day else f"{start:%m-%d %H:%M}"
    if end.date() == day:
        right = f"{end:%H:%M}"
    elif end.date() == day + timedelta(days=1) and end.time() == time.min:
        right = "24:00"
    else:
        right = f"{end:%m-%d %H:%M}"
    return f"{left}–{right}"


@page(Perm.VIEW_WORKGROUP, within=Within.COMMUNITY, methods=("GET", "HEAD"))
def week(request, code: str):
    """One gate's week, Monday to Sunday: every shift with its leader and staff by name, the stretches
    nobody covers, and the people on two shifts at once."""
    gate = roster_gate(actor=request.user, code=code)
    scope = scope_of(request.user)
    monday = _week_param(request.GET.get("week"))
    days, shifts = roster_week(gate=gate, monday=monday)
    _decorate(shifts, _conflict_notes(shifts, scope))
    can_manage = role_can(request.user.role, Perm.MANAGE_ROSTER) and scope.covers_whole_community(gate.community_id)
    today = timezone.localdate()
    grid = [{
        "day": d.day, "is_today": d.is_today,
        "entries": [(s, _day_span(s.starts_at, s.ends_at, d.day)) for s in d.shifts],
        "gaps": [{"start": a, "end": b, "label": _day_span(a, b, d.day)} for a, b in d.gaps],
    } for d in days]
    return render(request, "gates/roster_week.html", {
        "gate": gate, "days": grid, "monday": monday, "sunday": monday + timedelta(days=6),
        "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7),
        "this_week": week_start(today), "today": today, "can_manage": can_manage, "gates": _scoped_gates(request.user),
        "conflicts": sum(len(s.conflicts) for s in shifts),
        "gaps": sum(len(d.gaps) for d in days),
    })


@page(Perm.MANAGE_ROSTER, within=Within.COMMUNITY)
def shift_edit(request, pk: int):
    shift = shift_get(actor=request.user, pk=pk)
    scope = scope_of(request.user)
    form = _shift_form(request, scope, _scoped_gates(request.user), shift=shift)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, form, shift=shift)) is not None:
        messages.success(request, _("Shift at %(gate)s changed.") % {"gate": saved.gate.name})
        return redirect(_week_url(saved))
    _decorate([shift], _conflict_notes([shift], scope))
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "gates/shift_edit.html", {"shift": shift, "form": form, "back": _week_url(shift)},
                  status=status)


@page(Perm.MANAGE_ROSTER, within=Within.COMMUNITY)
def shift_remove(request, pk: int):
    """Asks, then deletes: the page shows the shift and a button that posts."""
    shift = shift_get(actor=request.user, pk=pk)
    back = _week_url(shift)
    if request.method == "POST":
        shift_delete(actor=request.user, shift=shift)
        messages.success(request, _("Shift at %(gate)s, %(when)s deleted.") % {
            "gate": shift.gate.name, "when": span_text(shift.starts_at, shift.ends_at)})
        return redirect(back)
    _decorate([shift], {})
    return render(request, "gates/shift_delete.html", {"shift": shift, "back": back})


@page(Perm.VIEW_WORKGROUP, methods=("GET", "HEAD"))
def index(request):
    """The gates where the user is on duty now first, then every gate of the scope, a page at a time
    (a street's dozens, a city's thousands)."""
    gates = gate_list(actor=request.user)
    now = timezone.now()
    mine = set(Shift.objects.filter(Q(staff=request.user) | Q(leader__user=request.user), starts_at__lte=now,
                                    ends_at__gt=now).values_list("gate_id", flat=True))
    others = page_of(request, gates.exclude(id__in=mine))
    return render(request, "gates/index.html", {
        "on_duty_gates": list(gates.filter(id__in=mine)) if others.number == 1 else [], "page": others,
        "can_scan": role_can(request.user.role, Perm.SCAN),
    })
