
from datetime import date
from typing import Any

from ninja import Path, Router, Schema

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.policy.selectors import policy_in_force
from fangkong.registry.selectors import community_get

router = Router(tags=["policy"])


class EffectiveOut(Schema):
    key: str
    value: Any
    level: str
    source: str
    effective_from: date | None


@router.get("/communities/{code}/policy", response=list[EffectiveOut], summary="Policy in force and its sources")
def community_policy(request, code: str = Path(..., max_length=24, pattern=r"^[^\x00/]+$"), on: date | None = None):
    require(request.user, Perm.VIEW_POLICY)
    community = community_get(actor=request.user, code=code)
    return list(policy_in_force(community=community, on=on).values())
