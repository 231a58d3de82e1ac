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
        from fangkong.registry.models import Community, Grid

        grants = list(user.scope_grants.values_list("street_id", "community_id", "grid_id"))
        street_ids = {s for s, _c, _g in grants if s}
        community_ids = {c for _s, c, _g in grants if c}
        grid_ids = {g for _s, _c, g in grants if g}
        if street_ids:
            community_ids |= set(
                Community.objects.filter(street_id__in=street_ids).values_list("id", flat=True)
            )
        grid_community_ids = (
            set(Grid.objects.filter(id__in=grid_ids).values_list("community_id", flat=True)) if grid_ids else set()
        )
        scope = Scope(
            community_ids=frozenset(community_ids),
            grid_ids=frozenset(grid_ids),
            grid_community_ids=frozenset(grid_community_ids),
        )
    user._fangkong_scope = scope
    return scope
