"""The part of the district a dashboard shows: its communities, and the grids when only some are visible."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from fangkong.registry.models import Community, Street


@dataclass(frozen=True)
class Area:
    """The communities shown, and the grids when the user sees only some grids (None: whole communities)."""

    communities: list[Community]
    grid_ids: frozenset[int] | None
    street: Street | None = None

    @property
    def ids(self) -> list[int]:
        return [c.id for c in self.communities]

    @property
    def side_by_side(self) -> bool:
        return len(self.communities) > 1

    def grid_q(self, field: str = "grid_id") -> Q:
        """Rows in the area: those of its communities, and of the visible grids for a grid worker."""
        q = Q(community_id__in=self.ids)
        if self.grid_ids is not None:
            q &= Q(**{f"{field}__in": self.grid_ids})
        return q
