"""The roster of gate shifts and the list of gates (a guard's own gates first)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.access import page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import Scope, scope_of
from fangkong.accounts.selectors import user_communities, users_with_perm_in_scope
from fangkong.accounts.services import require
from fangkong.core.errors import DomainError
from fangkong.core.forms import form_add_domain_error
from fangkong.gates.forms import ShiftForm
from fangkong.gates.models import Gate, Shift
from fangkong.gates.services import roster_gaps, shift_add
from fangkong.workgroup.models import Member

ROSTER_HOURS = 48


def _shift_form(request, scope, gates: list[Gate]) -> ShiftForm:
    ids = [g.id for g in gates if scope.covers_whole_community(g.community_id)]
    communities = sorted({g.community_id for g in gates if g.id in ids})
    # Who may stand a shift: those who scan, wherever their grants reach the gates' communities.
    staff = users_with_perm_in_scope(perm=Perm.SCAN, scope=Scope(community_ids=frozenset(communities)))
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


@page(Perm.VIEW_WORKGROUP)
def roster(request):
    scope = scope_of(request.user)
    gates = list(Gate.objects.for_scope(scope).select_related("community").order_by("community__code", "code"))
    can_manage = role_can(request.user.role, Perm.MANAGE_ROSTER)
    form = _shift_form(request, scope, gates) if can_manage else None
    if request.method == "POST":
        require(request.user, Perm.MANAGE_ROSTER)
        if form.is_valid():
            d = form.cleaned_data
            try:
                shift_add(actor=request.user, gate=d["gate"], starts_at=d["starts_at"], ends_at=d["ends_at"],
                          leader=d["leader"], staff=list(d["staff"]))
            except DomainError as exc:
                if not exc.field_errors:
                    raise
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Shift added at %(gate)s.") % {"gate": d["gate"].name})
                return redirect("gates:roster")

    now = timezone.now()
    until = now + timedelta(hours=ROSTER_HOURS)
    shifts: dict[int, list[Shift]] = defaultdict(list)
    for s in (Shift.objects.filter(gate__in=gates, ends_at__gt=now, starts_at__lt=until)
              .select_related("leader").prefetch_related("staff").order_by("starts_at")):
        shifts[s.gate_id].append(s)
    rows = [{
        "gate": g,
        "on_duty": [s for s in shifts[g.id] if s.starts_at <= now],
        "upcoming": [s for s in shifts[g.id] if s.starts_at > now],
        "gaps": roster_gaps(gate=g, start=now, hours=ROSTER_HOURS),
        "can_manage": can_manage and scope.covers_whole_community(g.community_id),
    } for g in gates]
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "gates/roster.html", {
        "rows": rows, "form": form, "hours": ROSTER_HOURS, "now": now,
    }, status=status)


@page(Perm.VIEW_WORKGROUP, methods=("GET", "HEAD"))
def index(request):
    gates = list(Gate.objects.for_scope(scope_of(request.user)).select_related("community")
                 .order_by("community__code", "code"))
    now = timezone.now()
    mine = set(Shift.objects.filter(staff=request.user, starts_at__lte=now, ends_at__gt=now)
               .values_list("gate_id", flat=True))
    gates.sort(key=lambda g: g.id not in mine)  # the gates where the user is on duty first
    return render(request, "gates/index.html", {
        "gates": gates, "on_duty": mine, "can_scan": role_can(request.user.role, Perm.SCAN),
    })
