"""Daily report endpoints (mounted under /api/v1/ by fangkong/api.py): a community's report of a day, its
submission (and corrections), the street's status board, typed fields, reminders. Figures only: no names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.reports import selectors, services
from fangkong.reports.selectors import ReportView
from fangkong.screening.api import ClientDate

router = Router(tags=["reports"])
NO_NUL = r"^[^\x00]*$"
CODE = Field(..., min_length=1, max_length=24, pattern=NO_NUL, description="community code")


class VersionOut(Schema):
    version: int
    submitted_by: str
    submitted_at: datetime
    late: bool
    note: str
    correction_reason: str


class DailyReportOut(Schema):
    community: str
    name: str
    date: date
    period_start: datetime
    period_end: datetime
    deadline: datetime
    status: Literal["draft", "submitted"]
    state: Literal["draft", "submitted", "missing"]
    late: bool
    version: int
    zero: bool
    figures: dict[str, int]
    typed: dict[str, int | str] = Field(..., description="fields the system cannot know, typed by the office")
    submitted_by: str
    submitted_at: datetime | None
    note: str
    versions: list[VersionOut]


class TypedIn(Schema):
    """The typed fields; a count left out is 0, a text left out is empty."""

    suspected_cases: int | None = Field(None, ge=0, le=1_000_000)
    confirmed_cases: int | None = Field(None, ge=0, le=1_000_000)
    close_contacts: int | None = Field(None, ge=0, le=1_000_000)
    disinfection: str = Field("", max_length=200, pattern=NO_NUL)
    businesses_closed: int | None = Field(None, ge=0, le=1_000_000)
    problems: str = Field("", max_length=1000, pattern=NO_NUL)
    other: str = Field("", max_length=1000, pattern=NO_NUL)


class SubmitIn(Schema):
    note: str = Field("", max_length=500, pattern=NO_NUL)
    correction_reason: str = Field("", max_length=500, pattern=NO_NUL,
                                   description="required for a second submission (a correction)")
    typed: TypedIn | None = Field(None, description="replace the typed fields on the way (a correction)")


class SubmitOut(Schema):
    status: Literal["submitted"]
    version: int
    late: bool


class StatusRow(Schema):
    community: str
    name: str
    status: Literal["draft", "submitted", "missing"]
    late: bool
    version: int
    submitted_at: datetime | None
    deadline: datetime


class StatusOut(Schema):
    date: date
    communities: list[StatusRow]
    totals: dict[str, int] = Field(..., description="figures summed over the communities: submitted versions "
                                                    "and live drafts")
    totals_submitted: dict[str, int]
    counts: dict[str, int]


class ReminderIn(Schema):
    community: str = CODE
    date: ClientDate
    message: str = Field("", max_length=300, pattern=NO_NUL)


class ReminderOut(Schema):
    id: int
    community: str
    date: date
    message: str
    sent_at: datetime


def _out(view: ReportView) -> dict:
    return {
        "community": view.community.code, "name": view.community.name, "date": view.date,
        "period_start": view.period_start, "period_end": view.period_end, "deadline": view.deadline,
        "status": view.status, "state": view.state, "late": view.late, "version": view.version, "zero": view.zero,
        "figures": view.figures, "typed": view.typed, "submitted_by": view.submitted_by,
        "submitted_at": view.submitted_at, "note": view.note,
        "versions": [{"version": v.version, "submitted_by": v.submitted_by, "submitted_at": v.submitted_at,
                      "late": v.late, "note": v.note, "correction_reason": v.correction_reason}
                     for v in view.versions],
    }


def _view(request, community: str, day: date) -> dict:
    c = selectors.report_community_get(actor=request.user, code=community)
    return _out(selectors.daily_report_view(actor=request.user, community=c, day=day))


@router.get("/reports/daily", response=DailyReportOut,
            summary="A community's daily report of a day (today by default): live figures while a draft, the "
                    "latest version's once submitted")
def daily_report(request, community: str = Query(..., min_length=1, max_length=24, pattern=NO_NUL),
                 date: ClientDate | None = None):
    return _view(request, community, date or local_today())


@router.get("/reports/daily/status", response=StatusOut,
            summary="The communities in scope for a day: submitted, draft or missing (deadline passed), late; "
                    "the sums")
def daily_report_status(request, date: ClientDate | None = None):
    board = selectors.daily_report_status(actor=request.user, day=date or local_today())
    rows = [{"community": r.community.code, "name": r.community.name, "status": r.state, "late": r.late,
             "version": r.version, "submitted_at": r.submitted_at, "deadline": r.deadline} for r in board.rows]
    return {"date": board.date, "communities": rows, "totals": board.totals,
            "totals_submitted": board.totals_submitted, "counts": board.counts}


@router.post("/reports/daily/{community}/{day}/submit", response=SubmitOut,
             summary="Submit the report (version 1), or correct it with a reason (version n+1); a second "
                     "submission without correction_reason is 409 already_submitted")
def daily_report_submit(request, community: str, day: ClientDate, body: SubmitIn | None = None):
    require(request.user, Perm.SUBMIT_REPORTS)  # before any lookup
    body = body or SubmitIn()
    c = selectors.report_community_get(actor=request.user, code=community)
    version = services.daily_report_submit(actor=request.user, community=c, day=day, note=body.note,
                                           correction_reason=body.correction_reason,
                                           typed=body.typed.dict() if body.typed else None)
    return {"status": "submitted", "version": version.version, "late": version.late}


@router.post("/reports/daily/{community}/{day}/typed", response=DailyReportOut,
            summary="Set the typed fields of a draft (suspected/confirmed cases and close contacts as told by "
                    "the CDC, disinfection, businesses closed, problems, other)")
def daily_report_typed(request, community: str, day: ClientDate, body: TypedIn):
    require(request.user, Perm.EDIT_REPORTS)
    c = selectors.report_community_get(actor=request.user, code=community)
    services.daily_report_typed_update(actor=request.user, community=c, day=day, data=body.dict())
    return _view(request, community, day)


@router.post("/reports/reminders", response={201: ReminderOut},
             summary="Remind a community of its report of a day (street office; only while not submitted)")
def report_reminder(request, body: ReminderIn):
    require(request.user, Perm.REMIND_REPORTS)
    c = selectors.report_community_get(actor=request.user, code=body.community)
    r = services.report_reminder_send(actor=request.user, community=c, day=body.date, message=body.message)
    return Status(201, {"id": r.id, "community": c.code, "date": r.date, "message": r.message, "sent_at": r.sent_at})
