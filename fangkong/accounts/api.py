"""The API's own user: who the token belongs to, what the role may do, where."""

from __future__ import annotations

from ninja import Router, Schema

from fangkong.accounts.selectors import me_describe

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    permissions: list[str]
    everything: bool  # an administrator's scope is the whole installation
    streets: list[str]  # codes of the streets granted whole
    communities: list[str]  # codes of the communities granted whole
    grids: list[str]  # "<community code>/<grid number>" of the grids granted


@router.get("/me", response=MeOut, summary="The token's user: role, permissions, scope")
def me(request):
    return me_describe(user=request.user)
