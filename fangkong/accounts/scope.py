"""What part of the district a user may see. Computed once per request and cached on the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from fangkong.accounts.roles import Role


@dataclass(frozen=True)
class Scope:
    is_all: bool = False
    community_ids: frozenset[int] = field(default_factory=frozenset)
    grid_ids: frozenset[int] = field(default_factory=frozenset)
    # Communities that contain a granted grid: for community-wide rows (policy, working group).
    grid_community_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def visible_community_ids(self) -> frozenset[int]:
        return self.community_ids | self.grid_community_ids

    def covers_community(self, community_id: int) -> bool:
        return self.is_all or community_id in self.visible_community_ids

    def covers_whole_community(self, community_id: int) -> bool:
        return self.is_all or community_id in self.community_ids

    def covers_grid(self, community_id: int, grid_id: int | None) -> bool:
        return self.is_all or community_id in self.community_ids or (grid_id in self.grid_ids)


NOTHING = Scope()


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_fangkong_scope", None)
    if cached is not None:
        return cached
    if user.role == Role.ADMINISTRATOR:
        scope = Scope(is_all=True)
    else:
        # One query through the grants' relations (accounts sits below registry and never imports it):
        # a street grant yields a row per community of that street, a grid grant its community.
        rows = user.scope_grants.values_list("community_id", "grid_id", "street__communities__id",
                                             "grid__community_id")
        community_ids: set[int] = set()
        grid_ids: set[int] = set()
        grid_community_ids: set[int] = set()
        for community_id, grid_id, street_community_id, grid_community_id in rows:
            community_ids.update(c for c in (community_id, street_community_id) if c)
            if grid_id:
                grid_ids.add(grid_id)
                grid_community_ids.add(grid_community_id)
        scope = Scope(
            community_ids=frozenset(community_ids),
            grid_ids=frozenset(grid_ids),
            grid_community_ids=frozenset(grid_community_ids),
        )
    user._fangkong_scope = scope
    return scope
