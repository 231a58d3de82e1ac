"""The command post's home page: what needs attention today, then the charts, each with its table."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from fangkong.accounts.access import page
from fangkong.accounts.roles import Perm, role_can
from fangkong.core.dates import EARLIEST_DATE, LATEST_DATE, local_today
from fangkong.dashboard import selectors
from fangkong.dashboard.tables import chart_labels, chart_tables, side_by_side_rows
from fangkong.registry.models import Street


def _day(text: str) -> date:
    """The day asked for; today when absent or not a date between 2000 and 2100."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return local_today()
    return day if EARLIEST_DATE <= day <= LATEST_DATE else local_today()


@page(Perm.VIEW_DASHBOARD, methods=("GET", "HEAD"))
def home(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("day", ""))
    community = request.GET.get("community", "")[:24]
    street = "" if community else request.GET.get("street", "")[:16]
    board = selectors.dashboard_get(actor=request.user, day=day, community=community, street=street)
    # The narrowing choices come from the whole scope, not the part shown.
    whole = selectors.dashboard_area(actor=request.user) if (community or street) else board.area
    streets = sorted({c.street_id for c in whole.communities})
    return render(request, "dashboard/home.html", {
        "board": board, "day": day, "prev_day": (day - timedelta(days=1)).isoformat(),
        "next_day": (day + timedelta(days=1)).isoformat() if day < local_today() else "",
        "choices": whole.communities if whole.side_by_side else [],
        "streets": list(Street.objects.filter(id__in=streets).order_by("code")) if len(streets) > 1 else [],
        "community": community, "street": street,
        "tables": chart_tables(board.charts), "links": _chart_links(request.user.role),
        "side_rows": side_by_side_rows(board.charts) if board.area.side_by_side else [], "labels": chart_labels(),
    })


# The list behind each chart, and the permission that opens it (no link for those who may not).
_BEHIND = {
    "gate_traffic": (Perm.VIEW_WORKGROUP, "gates:index"),
    "denials": (Perm.VIEW_WORKGROUP, "gates:index"),
    "observation": (Perm.VIEW_OBSERVATION, "observation:observation_list"),
    "coverage": (Perm.VIEW_SCREENING, "screening:round_list"),
    "alerts": (Perm.VIEW_OBSERVATION, "observation:alert_list"),
    "passes": (Perm.VIEW_PASSES, "passes:pass_list"),
    "briefings": (Perm.VIEW_MEETINGS, "meetings:briefings"),  # the twice-daily meetings, beside the day's figures
}


def _chart_links(role: str) -> dict[str, str]:
    return {key: reverse(name) for key, (perm, name) in _BEHIND.items() if role_can(role, perm)}
