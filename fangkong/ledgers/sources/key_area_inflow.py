"""《重点地区流入人员情况排查表》 (forms.md §3): every arrival from a key area in the range, with the class
of the area, how the person lodges (a tenancy: 租住 with the landlord) and the temporary pass that ties
them to a household (rows from sources/travel.py, as the returnees ledger)."""

from __future__ import annotations

from fangkong.accounts.roles import Perm
from fangkong.ledgers.sources._common import IDENTITY_COLUMNS
from fangkong.ledgers.sources.travel import travel_count, travel_rows
from fangkong.ledgers.spec import REMARKS, SERIAL, Column, Kind, LedgerSpec, Level

ORIGIN = "来源情况"
LODGING = "居住情况"

COLUMNS = (
    SERIAL,
    *IDENTITY_COLUMNS,
    Column("category", "人员类别"),
    Column("place", "来源地", group=ORIGIN),
    Column("key_class", "重点地区类别", group=ORIGIN),
    Column("left_on", "出发时间", group=ORIGIN, kind=Kind.DATE),
    Column("returned_on", "流入(抵达)时间", group=ORIGIN, kind=Kind.DATE),
    Column("transport", "交通方式", group=ORIGIN),
    Column("lodging", "居住类型", group=LODGING),
    Column("landlord", "房东", group=LODGING, width=10),
    Column("landlord_phone", "房东电话", group=LODGING, kind=Kind.PHONE),
    Column("address", "现居住地址", group=LODGING, width=24),
    Column("workplace", "工作单位"),
    Column("pass_number", "临时通行证编号"),
    Column("contact", "14天内是否接触病例"),
    Column("measure", "管控措施"),
    Column("obs_start", "观察开始日期", kind=Kind.DATE),
    Column("obs_end", "观察期满日期", kind=Kind.DATE),
    Column("source", "信息来源"),
    Column("liaison", "包保责任人"),
    Column("recorded_at", "排查时间", kind=Kind.DATETIME),
    REMARKS,
)

SPEC = LedgerSpec(
    key="key_area_inflow", title="重点地区流入人员情况排查表", columns=COLUMNS, perm=Perm.VIEW_OBSERVATION,
    level=Level.COMMUNITY, rows=travel_rows, count=travel_count,
)
