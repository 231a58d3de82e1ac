"""Writes for the working group: members and household liaison assignments."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.errors import Code, FieldError, NotFound
from fangkong.registry.errors import RegistryCode
from fangkong.registry.models import Community, Grid, Household
from fangkong.workgroup.errors import WorkgroupCode
from fangkong.workgroup.models import HouseholdLiaison, Member, WorkingGroup


def _check(actor: User, community_id: int) -> None:
    require(actor, Perm.EDIT_WORKGROUP)
    if not scope_of(actor).covers_whole_community(community_id):
        raise NotFound(_("No such community in your scope"))


@transaction.atomic
def working_group_create(*, actor: User, community: Community, name: str, established: date) -> WorkingGroup:
    _check(actor, community.id)
    group = WorkingGroup.objects.create(community=community, name=name, established=established)
    audit_record(actor=actor, action="create", object_type="working_group", object_id=group.pk,
                 community_id=community.id, fields=["name", "established"])
    return group


@transaction.atomic
def member_add(
    *, actor: User, group: WorkingGroup, name: str, position: str, duties: str = "",
    reports_to: Member | None = None, user: User | None = None, grid: Grid | None = None, order: int = 0,
) -> Member:
    _check(actor, group.community_id)
    if position not in Member.Position.values:
        raise FieldError("position", Code.INVALID_CHOICE, _("Unknown position"))
    if reports_to is not None and reports_to.group_id != group.id:
        raise FieldError("reports_to", WorkgroupCode.OTHER_GROUP, _("A member reports to someone in the same group"))
    if grid is not None and grid.community_id != group.community_id:
        raise FieldError("grid", RegistryCode.GRID_OUTSIDE_COMMUNITY, _("The grid belongs to another community"))
    member = Member.objects.create(
        group=group, community_id=group.community_id, name=name.strip(), position=position,
        duties=duties.strip(), reports_to=reports_to, user=user, grid=grid, order=order,
    )
    audit_record(actor=actor, action="create", object_type="working_group_member", object_id=member.pk,
                 community_id=group.community_id, fields=["name", "position", "duties"])
    return member


@transaction.atomic
def liaison_assign(*, actor: User, households: list[Household], member: Member) -> int:
    """Make `member` the liaison cadre of each household (replacing any previous one)."""
    _check(actor, member.community_id)
    if any(h.community_id != member.community_id for h in households):
        raise FieldError("household", RegistryCode.HOUSEHOLD_OUTSIDE_COMMUNITY,
                         _("The household belongs to another community"))
    HouseholdLiaison.objects.filter(household__in=households).delete()
    HouseholdLiaison.objects.bulk_create(
        [HouseholdLiaison(household=h, member=member, community_id=h.community_id, grid_id=h.grid_id)
         for h in households]
    )
    audit_record(actor=actor, action="update", object_type="household_liaison", object_id=member.pk,
                 community_id=member.community_id, fields=["liaison"], count=len(households))
    return len(households)
