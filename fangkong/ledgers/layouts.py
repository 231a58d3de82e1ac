"""The layout a ledger is written in: its title and the columns shown, in order, with their header text.

A layout is data (LedgerLayout rows, edited on a page), applied over the spec's columns: it can pick,
order, rename and regroup columns, never invent one — a key the spec does not know is dropped when read
(a column removed from the code) and refused when saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from fangkong.ledgers.spec import Column, LedgerSpec


@dataclass(frozen=True)
class Layout:
    title: str
    # (column, header text); the column's `group` is the layout's group (replaced when edited)
    columns: list[tuple[Column, str]] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [column.key for column, _header in self.columns]


def layout_default(spec: LedgerSpec) -> Layout:
    """The built-in layout: the spec's title and its default columns (all when it names none)."""
    shown = set(spec.default_columns) if spec.default_columns else None
    return Layout(
        title=spec.title,
        columns=[(column, column.header) for column in spec.columns if shown is None or column.key in shown],
    )


def layout_from_data(spec: LedgerSpec, *, title: str, columns: list[dict]) -> Layout:
    """A stored layout (LedgerLayout.title/columns) over the spec; unknown keys are skipped, and a layout
    left with no column falls back to the default (a file with no column helps nobody)."""
    by_key = {column.key: column for column in spec.columns}
    picked: list[tuple[Column, str]] = []
    seen: set[str] = set()
    for item in columns:
        key = str(item.get("key", ""))
        column = by_key.get(key)
        if column is None or key in seen:
            continue
        seen.add(key)
        group = item.get("group", column.group)
        picked.append((replace(column, group=str(group or "")), str(item.get("header") or column.header)))
    if not picked:
        return layout_default(spec)
    return Layout(title=title or spec.title, columns=picked)


def layout_to_data(layout: Layout) -> list[dict]:
    """The JSON kept in LedgerLayout.columns."""
    return [{"key": column.key, "header": header, "group": column.group} for column, header in layout.columns]
