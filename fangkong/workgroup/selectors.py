from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.errors import NotFound
from fangkong.registry.models import Community
from fangkong.workgroup.models import Member, WorkingGroup


@dataclass
class ChartNode:
    member: Member
    households: int
    children: list[ChartNode] = field(default_factory=list)


def org_chart(*, actor: User, community: Community) -> tuple[WorkingGroup | None, list[ChartNode]]:
    """The working group as a tree (who reports to whom), each member with their liaison households.

    `community` must come from a scoped selector (community_get), which is where access is decided.
    """
    require(actor, Perm.VIEW_WORKGROUP)
    group = WorkingGroup.objects.filter(community=community).first()
    if group is None:
        return None, []
    members = list(
        Member.objects.filter(group=group).select_related("grid").annotate(households=Count("liaison_households"))
    )
    nodes = {m.id: ChartNode(m, m.households) for m in members}
    roots = []
    for m in members:
        parent = nodes.get(m.reports_to_id)
        (parent.children if parent else roots).append(nodes[m.id])
    return group, roots


def members_of(*, group: WorkingGroup) -> list[Member]:
    """The group's members in chart order; `group` comes from a scoped read."""
    return list(Member.objects.filter(group=group))


def member_in_group(*, group: WorkingGroup, pk: int | None) -> Member | None:
    """One member of the group, or None when `pk` is None; a member of another group is not found."""
    if pk is None:
        return None
    member = Member.objects.filter(group=group, pk=pk).first()
    if member is None:
        raise NotFound(_("No such member in this working group"))
    return member
