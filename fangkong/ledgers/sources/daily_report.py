"""《防控日报告表》 roll-up (forms.md §2): one row per community of the street and day, the figures of
reports.selectors.report_views (a submitted report's frozen figures, a draft's live ones, all
communities' together), the typed fields marked as typed, and whether and when it was submitted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

from fangkong.accounts.roles import Perm
from fangkong.ledgers.sources._common import days
from fangkong.ledgers.spec import REMARKS, SERIAL, Column, ExportContext, Kind, LedgerSpec, Level
from fangkong.reports.selectors import FIGURES, TYPED_FIELDS, report_views

# The form's groups of figures (a figure not named here stands alone under its own header).
GROUPS = {
    "screened_": "入户排查", "key_area_": "重点地区返回人员", "wuhan_": "重点地区返回人员",
    "home_observation": "医学观察", "centralised_observation": "医学观察", "observations_started": "医学观察",
    "released_": "医学观察", "followups_": "随访", "temporary_passes": "临时通行证", "visitors_": "门岗卡口",
    "gates": "门岗卡口", "staff_on_duty": "门岗卡口", "gate_": "门岗卡口", "vehicles_": "门岗卡口",
    "people_turned_back": "门岗卡口", "verification_": "上级下发核查",
    "disinfection": "消毒与巡查", "patrols_": "消毒与巡查",
}
TYPED_GROUP = "人工填报(系统无法统计)"
STATE = {"submitted": "已上报", "draft": "未上报(草稿)", "missing": "未上报(逾期)"}


def _group(key: str) -> str:
    return next((group for prefix, group in GROUPS.items() if key.startswith(prefix)), "")


def _figure_columns() -> tuple[Column, ...]:
    return tuple(Column(f.key, f.label_zh, group=_group(f.key), kind=Kind.NUMBER) for f in FIGURES)


def _typed_columns() -> tuple[Column, ...]:
    return tuple(Column(f"typed_{f.key}", f.label_zh, group=TYPED_GROUP,
                        kind=Kind.NUMBER if f.kind == "count" else Kind.TEXT, width=None if f.kind == "count" else 20)
                 for f in TYPED_FIELDS)


COLUMNS = (
    SERIAL,
    Column("community", "填报单位(社区)", width=14),
    Column("date", "报告日期", kind=Kind.DATE),
    Column("period", "统计时段", width=26),
    *_figure_columns(),
    *_typed_columns(),
    Column("status", "上报状态"),
    Column("late", "是否迟报", kind=Kind.FLAG),
    Column("version", "版本", kind=Kind.NUMBER),
    Column("submitted_by", "填报人"),
    Column("submitted_at", "填报时间", kind=Kind.DATETIME),
    REMARKS,
)


def _clock(at: datetime) -> str:
    local = timezone.localtime(at)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def daily_report_count(ctx: ExportContext) -> int:
    return len(ctx.communities) * ((ctx.date_to - ctx.date_from).days + 1)


def daily_report_rows(ctx: ExportContext) -> Iterator[dict]:
    for day in days(ctx):
        for view in report_views(communities=ctx.communities, day=day):
            yield {
                "community": view.community.name,
                "date": view.date,
                "period": f"{_clock(view.period_start)}至{_clock(view.period_end)}",
                **{f.key: view.figures.get(f.key, 0) for f in FIGURES},
                **{f"typed_{f.key}": view.typed.get(f.key) for f in TYPED_FIELDS},
                "status": STATE.get(view.state, view.state),
                "late": view.late,
                "version": view.version or None,
                "submitted_by": view.submitted_by,
                "submitted_at": view.submitted_at,
                "remarks": view.note,
            }


SPEC = LedgerSpec(
    key="daily_report", title="新型冠状病毒感染肺炎防控日报告表", columns=COLUMNS, perm=Perm.VIEW_REPORTS,
    level=Level.STREET, rows=daily_report_rows, count=daily_report_count,
)
