"""`can.<perm>` in every template: the navigation shows only what the role may open."""

from __future__ import annotations

from fangkong.accounts.roles import Perm, role_can


def permissions(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can": {}}
    return {"can": {p.value: role_can(user.role, p) for p in Perm}}
