"""The working group over the API: the org chart a community's cadres and its street read."""

from __future__ import annotations

from datetime import date

from ninja import Path, Router, Schema

from fangkong.registry.selectors import community_get
from fangkong.workgroup.selectors import ChartNode, org_chart

router = Router(tags=["working group"])


class MemberOut(Schema):
    id: int
    name: str
    position: str
    duties: str
    grid: int | None  # the grid's number, for a grid worker
    households: int  # households this member is the liaison cadre of (包联到户)
    reports: list[MemberOut]


class WorkingGroupOut(Schema):
    community: str
    name: str | None
    established: date | None
    members: list[MemberOut]  # the chart's roots, each with the members who report to them


def _member(node: ChartNode) -> dict:
    m = node.member
    return {"id": m.id, "name": m.name, "position": m.position, "duties": m.duties,
            "grid": m.grid.number if m.grid else None, "households": node.households,
            "reports": [_member(child) for child in node.children]}


@router.get("/communities/{code}/working-group", response=WorkingGroupOut,
            summary="The community's working group as an org chart")
def working_group(request, code: str = Path(..., max_length=24, pattern=r"^[^\x00/]+$")):
    community = community_get(actor=request.user, code=code)
    group, roots = org_chart(actor=request.user, community=community)
    return {"community": community.code, "name": group.name if group else None,
            "established": group.established if group else None, "members": [_member(n) for n in roots]}
