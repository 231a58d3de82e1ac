"""《返回湖北人员摸排登记台账》 (forms.md §1), generalised to the key areas in force: one row per return from
a key area in the range (rows from sources/travel.py)."""

from __future__ import annotations

from fangkong.accounts.roles import Perm
from fangkong.ledgers.sources._common import IDENTITY_COLUMNS, areas_text, key_areas
from fangkong.ledgers.sources.travel import travel_count, travel_rows
from fangkong.ledgers.spec import REMARKS, SERIAL, Column, ExportContext, Kind, LedgerSpec, Level

TRAVEL = "外出情况"
RETURN = "返回情况"
CONTROL = "管控情况"

COLUMNS = (
    SERIAL,
    *IDENTITY_COLUMNS,
    Column("category", "人员类别"),
    Column("address", "现居住地址", width=24),
    Column("workplace", "工作单位"),
    Column("place", "从何地返回", group=TRAVEL),
    Column("from_wuhan", "是否武汉", group=TRAVEL, kind=Kind.FLAG),
    Column("left_on", "离开日期", group=TRAVEL, kind=Kind.DATE),
    Column("returned_on", "抵达本地日期", group=RETURN, kind=Kind.DATE),
    Column("transport", "交通方式(车次/航班/车牌)", group=RETURN),
    Column("contact", "是否接触确诊/疑似病例"),
    Column("measure", "管控措施", group=CONTROL),
    Column("obs_start", "观察开始日期", group=CONTROL, kind=Kind.DATE),
    Column("obs_end", "观察期满日期", group=CONTROL, kind=Kind.DATE),
    Column("released", "是否解除", group=CONTROL, kind=Kind.FLAG),
    Column("released_on", "解除日期", group=CONTROL, kind=Kind.DATE),
    Column("source", "信息来源"),
    Column("liaison", "包保责任人"),
    Column("recorded_by", "登记人"),
    Column("recorded_at", "登记时间", kind=Kind.DATETIME),
    REMARKS,
)

TITLE = "返回湖北人员摸排登记台账"


def returnees_title(ctx: ExportContext) -> str:
    """The title with the key areas in force named: 返回湖北人员摸排登记台账 while the key area is 湖北省."""
    areas = key_areas(ctx.communities[0].pk, ctx.date_to) if ctx.communities else []
    named = areas_text(areas)
    return f"返回{named}人员摸排登记台账" if named and len(areas) <= 3 else "返回重点地区人员摸排登记台账"


SPEC = LedgerSpec(
    key="returnees", title=TITLE, columns=COLUMNS, perm=Perm.VIEW_OBSERVATION, level=Level.COMMUNITY,
    rows=travel_rows, count=travel_count,
)
