"""Pushed-down list endpoints: the street uploads a list, everyone in scope reads the counts and their rows
(masked), the community records an outcome per row."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Field, File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.errors import Code, FieldError
from fangkong.core.identifiers import mask_name
from fangkong.registry.importing import ImportFileError, RowError
from fangkong.verification import selectors, services
from fangkong.verification.errors import RowsRejected, VerificationCode
from fangkong.verification.models import VerificationRow
from fangkong.verification.uploads import stored

router = Router(tags=["verification"])
PK = Path(..., ge=1, le=2**62)
NO_NUL = r"^[^\x00]*$"


class UploadOut(Schema):
    id: int
    rows: int
    routed: dict[str, int] = Field(..., description="community code → rows routed to it")
    unmatched: int


class RowProblem(Schema):
    row: int | None = Field(..., description="the row as the spreadsheet numbers it, the header being row 1")
    field: str
    code: str
    message: str
    message_zh: str


class UploadRefused(Schema):
    code: str
    message: str
    errors: list[RowProblem]


class ListOut(Schema):
    id: int
    street: str
    batch: str
    filename: str
    uploaded_at: datetime
    uploaded_by: str | None
    rows: int
    unmatched: int


class CommunityCountsOut(Schema):
    community: str | None = Field(..., description="community code; null for the rows still with the street")
    rows: int
    open: int
    checked: int
    outcomes: dict[str, int]


class ListDetailOut(ListOut):
    communities: list[CommunityCountsOut]


class RowOut(Schema):
    row: int
    community: str | None
    routed_by: str
    registered_elsewhere: bool
    name: str
    id_number: str = Field(..., description="masked")
    phone: str = Field(..., description="masked")
    address: str
    source: str
    batch: str
    outcome: str
    note: str
    outcome_by: str | None
    outcome_at: datetime | None


class OutcomeIn(Schema):
    outcome: Literal["confirmed", "info_wrong", "missed", "not_here", "outside_window"]
    note: str = Field("", max_length=200, pattern=NO_NUL)


class OutcomeOut(Schema):
    row: int
    community: str | None
    outcome: str
    note: str
    outcome_by: str | None
    outcome_at: datetime | None


def _problems(errors: list[RowError]) -> list[dict]:
    return [{"row": e.row, "field": e.column, "code": e.code, "message": e.reason_en or e.reason,
             "message_zh": e.reason} for e in errors]


def _list_out(v) -> dict:
    return {"id": v.id, "street": v.street.code, "batch": v.batch, "filename": v.filename,
            "uploaded_at": v.uploaded_at, "uploaded_by": v.uploaded_by.username if v.uploaded_by else None,
            "rows": v.rows, "unmatched": v.unmatched}


def _row_out(r: VerificationRow) -> dict:
    return {"row": r.number, "community": r.community.code if r.community else None, "routed_by": r.routed_by,
            "registered_elsewhere": r.registered_elsewhere, "name": mask_name(r.name),
            "id_number": r.id_number_masked, "phone": r.phone_masked, "address": r.address, "source": r.source,
            "batch": r.batch, "outcome": r.outcome, "note": r.note,
            "outcome_by": r.outcome_by.username if r.outcome_by else None, "outcome_at": r.outcome_at}


@router.post("/verification-lists", response={201: UploadOut, 400: UploadRefused},
             summary="The street office uploads a list to check (xlsx, xls, ods or csv); all rows or none")
def list_upload(request, file: UploadedFile | None = File(None), batch: Form[str] = "", street: Form[str] = ""):
    # The file is optional to the parser so that a role without the permission hears 403, not 400.
    require(request.user, Perm.UPLOAD_VERIFICATION)
    if file is None:
        raise FieldError("file", Code.REQUIRED, "Attach the list as `file` (multipart)")
    if street:
        target = selectors.street_get(actor=request.user, code=street)
    else:
        streets = list(selectors.street_list(actor=request.user)[:2])
        if len(streets) != 1:
            raise FieldError("street", VerificationCode.STREET_REQUIRED, "Name the street (its code)")
        target = streets[0]
    try:
        with stored(file) as path:
            upload = services.verification_list_upload(actor=request.user, street=target, batch=batch, path=path,
                                                       filename=file.name or "", via="api")
    except RowsRejected as exc:
        return Status(400, {"code": exc.code, "message": exc.message, "errors": _problems(exc.errors)})
    except ImportFileError as exc:
        return Status(400, {"code": exc.code, "message": str(exc), "errors": _problems(exc.errors())})
    vlist = upload.vlist
    return Status(201, {"id": vlist.id, "rows": vlist.rows, "routed": upload.routed, "unmatched": vlist.unmatched})


@router.get("/verification-lists", response=list[ListOut], summary="Lists of your streets and of your communities")
def list_index(request, response: HttpResponse,
               after: str = Query("", max_length=40, description="next_key of the previous page"),
               limit: int = Query(30, ge=1, le=100)):
    page = selectors.verification_list_page(actor=request.user, key=after or None, per_page=limit)
    if page.next_key:
        response["X-Next-Key"] = page.next_key  # pass it as `after` for the next page
    return [_list_out(v) for v in page.items]


@router.get("/verification-lists/{list_id}", response=ListDetailOut,
            summary="One list with its rows counted per community and per outcome (your part of it)")
def list_detail(request, list_id: int = PK):
    vlist = selectors.verification_list_get(actor=request.user, pk=list_id)
    counts = selectors.verification_list_counts(actor=request.user, vlist=vlist)
    return {**_list_out(vlist), "communities": [
        {"community": c.code or None, "rows": c.rows, "open": c.open, "checked": c.checked, "outcomes": c.outcomes}
        for c in counts]}


@router.get("/verification-lists/{list_id}/rows", response=list[RowOut],
            summary="The list's rows routed to the communities you see, masked, by row number")
def list_rows(request, list_id: int = PK, community: str = Query("", max_length=24, pattern=NO_NUL),
              open: bool = False, after: int = Query(0, ge=0, le=10**7), limit: int = Query(200, ge=1, le=1000)):
    vlist = selectors.verification_list_get(actor=request.user, pk=list_id)
    community_id = None
    if community:
        community_id = selectors.community_id_of(actor=request.user, code=community)
    rows = selectors.verification_rows(actor=request.user, vlist=vlist, community_id=community_id,
                                       state="open" if open else "", after=after, limit=limit)
    return [_row_out(r) for r in rows]


@router.post("/verification-lists/{list_id}/rows/{row}/outcome", response=OutcomeOut,
             summary="Record what the community found for a row (the latest outcome wins)")
def row_outcome(request, body: OutcomeIn, list_id: int = PK, row: int = Path(..., ge=1, le=10**7)):
    require(request.user, Perm.CHECK_VERIFICATION)
    vlist = selectors.verification_list_get(actor=request.user, pk=list_id)
    entry = selectors.verification_row_get(actor=request.user, vlist=vlist, number=row)
    entry = services.verification_outcome_record(actor=request.user, row=entry, outcome=body.outcome,
                                                 note=body.note, via="api")
    return {"row": entry.number, "community": entry.community.code if entry.community else None,
            "outcome": entry.outcome, "note": entry.note, "outcome_by": request.user.username,
            "outcome_at": entry.outcome_at}
