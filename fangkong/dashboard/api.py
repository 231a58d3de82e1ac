"""API of the dashboard app (mounted under /api/v1/ by fangkong/api.py): the figures behind each chart of
the dashboard and the attention list, the same selector as the page."""

from __future__ import annotations

from datetime import date as Date

from ninja import Field, Query, Router, Schema

from fangkong.core.dates import client_date, local_today
from fangkong.dashboard import selectors

router = Router(tags=["dashboard"])
NO_NUL = r"^[^\x00]*$"


class DashboardQuery(Schema):
    community: str = Field("", max_length=24, pattern=NO_NUL, description="a community code in your scope")
    street: str = Field("", max_length=16, pattern=NO_NUL, description="a street code (not with community)")
    date: Date | None = Field(None, description="the day (Asia/Shanghai); today when absent")


class AttentionOut(Schema):
    key: str
    label: str
    count: int
    detail: str
    url: str
    urgent: bool


class CommunityOut(Schema):
    code: str
    name: str


class DashboardOut(Schema):
    date: Date
    communities: list[CommunityOut]
    side_by_side: bool = Field(..., description="several communities: one series per community")
    attention: list[AttentionOut]
    gate_traffic: dict = Field(..., description="allowed scans per local hour, in/out; per gate or per community")
    denials: dict = Field(..., description="refused scans per reason code, per community")
    observation: dict = Field(..., description="under observation at the end of each of 14 days, home/centralised")
    coverage: dict = Field(..., description="open screening rounds: households seen / total per grid")
    alerts: dict = Field(..., description="open alerts by kind; alerts raised per day over 14 days")
    passes: dict = Field(..., description="passes issued per day over 14 days by kind; active passes by kind")


@router.get("/dashboard", response=DashboardOut, summary="The dashboard's figures")
def dashboard(request, q: Query[DashboardQuery]):
    """Every chart's numbers (the ones the page draws) and the attention list. VIEW_DASHBOARD; a community
    or street outside your scope → 404; both at once → 400."""
    day = client_date(q.date, field="date") or local_today()
    board = selectors.dashboard_get(actor=request.user, day=day, community=q.community, street=q.street)
    return {"date": board.day, "communities": board.charts["communities"],
            "side_by_side": board.charts["side_by_side"],
            "attention": [vars(a) for a in board.attention],
            **{k: board.charts[k] for k in ("gate_traffic", "denials", "observation", "coverage", "alerts", "passes")}}
