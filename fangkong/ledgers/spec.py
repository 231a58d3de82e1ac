"""What a ledger is, for the writer: its default title and columns, who may export it, and its rows.

A ledger's rows come from a source (fangkong/ledgers/sources/), streamed as dicts keyed by column key,
so that the writer never holds more than a row; the layout a community or street keeps (LedgerLayout)
picks, orders and renames the columns of the spec, and may retitle it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fangkong.accounts.roles import Perm


class Kind(StrEnum):
    """How a cell is written: ID numbers and phones always as text (Excel keeps only 15 digits), dates
    as 年月日, flags as 是/否."""

    TEXT = "text"
    ID = "id"
    PHONE = "phone"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    FLAG = "flag"
    NUMBER = "number"
    DECIMAL = "decimal"


class Level(StrEnum):
    COMMUNITY = "community"  # one community's ledger
    STREET = "street"  # one row per community of the street (the daily report roll-up)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the form's (Chinese) header text
    group: str = ""  # the upper cell of a grouped two-row header (外出情况, 返回情况, ...)
    kind: Kind = Kind.TEXT
    width: int | None = None  # in characters; None: fitted to the header and the kind


# Every ledger starts with 序号 and ends with 备注 (../shared/forms.md §0); the writer numbers `serial`.
SERIAL = Column("serial", "序号", kind=Kind.NUMBER, width=6)
REMARKS = Column("remarks", "备注", width=16)


@dataclass(frozen=True)
class ExportContext:
    """What one export covers and what its reader may see."""

    actor: object  # accounts.User
    communities: tuple  # registry.Community: one, or the street's communities for a street ledger
    street: object | None  # registry.Street for a street ledger
    date_from: date
    date_to: date  # inclusive
    reveal_id: bool  # full ID numbers (else masked)
    reveal_phone: bool  # full phones (else masked)


@dataclass(frozen=True)
class LedgerSpec:
    key: str  # a ledgers.models.Ledger value
    title: str  # the default title (row 1)
    columns: tuple[Column, ...]  # every column the ledger can show, in the default order, SERIAL first, REMARKS last
    perm: Perm  # needed besides EXPORT_LEDGERS to export it (what it lists)
    level: Level
    rows: Callable[[ExportContext], Iterator[dict]]  # streamed, in ledger order; keys are column keys
    count: Callable[[ExportContext], int]  # how many rows `rows` will yield (for the progress bar)
    default_columns: tuple[str, ...] = ()  # keys shown by default when not every column is (empty: all)
