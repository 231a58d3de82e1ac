"""Writes of the sanitation app: areas, disinfections and patrols — permission, scope, audit."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.dates import client_instant
from fangkong.core.errors import FieldError, NotFound
from fangkong.sanitation.errors import SanitationCode
from fangkong.sanitation.models import Area, Disinfection, Patrol


def _check_community(actor: User, community) -> None:
    if not scope_of(actor).covers_community(community.id):
        raise NotFound(_("No such community in your scope"))


@transaction.atomic
def area_create(*, actor: User, community, kind: str, name: str, every: int, unit: str,
                building: str = "", grid=None, via: str = "web") -> Area:
    require(actor, Perm.LOG_SANITATION)
    _check_community(actor, community)
    if every < 1:
        raise FieldError("every", "invalid", _("The schedule must be at least every 1 hour or day"))
    area = Area.objects.create(community=community, kind=kind, name=name, every=every, unit=unit,
                               building=building, grid=grid)
    audit_record(actor=actor, action="create", object_type="area", object_id=area.pk,
                 community_id=community.id, via=via)
    return area


@transaction.atomic
def disinfection_log(*, actor: User, area: Area, agent: str, dilution: str = "", at: datetime | None = None,
                     note: str = "", via: str = "web") -> Disinfection:
    """Log that an area was disinfected (now, or at a past time); remembers agent and dilution for next time."""
    require(actor, Perm.LOG_SANITATION)
    _check_community(actor, area.community)
    at = client_instant(at, field="at")
    agent = agent.strip()
    if not agent:
        raise FieldError("agent", "required", _("Say which agent was used"))
    row = Disinfection.objects.create(area=area, community_id=area.community_id, at=at, by=actor, agent=agent,
                                      dilution=dilution.strip(), note=note.strip())
    Area.objects.filter(pk=area.pk).update(last_agent=row.agent, last_dilution=row.dilution)
    audit_record(actor=actor, action="create", object_type="disinfection",
                 object_id=row.pk, community_id=area.community_id, via=via)
    return row


@transaction.atomic
def patrol_log(*, actor: User, community, kind: str, started_at: datetime, ended_at: datetime | None = None,
               area: Area | None = None, route: str = "", findings: str = "", people_turned_back: int = 0,
               fire_risk: bool = False, gathering_dispersed: bool = False, via: str = "web") -> Patrol:
    require(actor, Perm.LOG_SANITATION)
    _check_community(actor, community)
    now = timezone.now()
    started_at = client_instant(started_at, field="started_at", now=now)
    if ended_at is not None:
        ended_at = client_instant(ended_at, field="ended_at", now=now)
        if ended_at < started_at:
            raise FieldError("ended_at", SanitationCode.ENDS_BEFORE_START, _("The patrol cannot end before it started"))
    if area is not None and area.community_id != community.id:
        raise FieldError("area", SanitationCode.AREA_OTHER_COMMUNITY, _("This area belongs to another community"))
    patrol = Patrol.objects.create(community=community, kind=kind, area=area, route=route.strip(),
                                   started_at=started_at, ended_at=ended_at, by=actor, findings=findings.strip(),
                                   people_turned_back=people_turned_back, fire_risk=fire_risk,
                                   gathering_dispersed=gathering_dispersed)
    audit_record(actor=actor, action="create", object_type="patrol", object_id=patrol.pk,
                 community_id=community.id, via=via)
    return patrol
