"""Screening endpoints: rounds, their coverage, visits and travel records — scoped like everything else."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.dates import client_date
from fangkong.core.errors import DomainError, FieldError, ValidationErrors
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import CURSOR_MAX, CURSOR_PATTERN, api_page
from fangkong.registry import selectors as registry_selectors
from fangkong.registry.validation import parse_relation, person_data_from
from fangkong.screening import selectors, services
from fangkong.screening.flags import person_is_flagged
from fangkong.screening.models import Round, Visit

router = Router(tags=["screening"])
PK = Path(..., ge=1, le=2**62)
NO_NUL = r"^[^\x00]*$"


def _client_date(value: date) -> date:
    """`core.dates.client_date` as a schema check: the same years, the same code (400 naming the field)."""
    try:
        return client_date(value, field="date")
    except FieldError as exc:
        raise PydanticCustomError(str(exc.code), exc.message) from None


# A date a client sends (also in observation's schemas): refused outside 2000-2100, so that no date
# arithmetic behind an endpoint meets 0001-01-01 or 9999-12-31.
ClientDate = Annotated[date, AfterValidator(_client_date)]
# A body temperature as a client sends it: NaN and infinity are not numbers (said outright, whatever
# pydantic's default), and the services check the range again.
Temperature = Annotated[Decimal, Field(ge=30, le=45, decimal_places=1, allow_inf_nan=False)]


class RoundIn(Schema):
    community: str = Field(..., max_length=24, pattern=NO_NUL)
    name: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL)
    starts_on: ClientDate
    deadline: ClientDate
    grids: list[Annotated[int, Field(ge=1, le=999)]] = Field(default_factory=list, max_length=100,
                                                              description="grid numbers; empty: whole community")


class RoundOut(Schema):
    id: int
    community: str
    name: str
    starts_on: date
    deadline: date
    closed: bool
    grids: list[int]


class HouseholdRef(Schema):
    id: int
    address: str
    grid: str
    last_outcome: str


class PersonRef(Schema):
    id: int
    name: str
    household: str


class GridCoverage(Schema):
    grid: int
    name: str
    households_total: int
    seen: int
    unreachable: int
    refused: int
    remaining: int
    people_total: int
    people_seen: int


class CoverageOut(Schema):
    round: int
    households_total: int
    seen: int
    unreachable: int
    refused: int
    remaining: int
    people_total: int
    people_seen: int
    remaining_households: list[HouseholdRef]
    unreachable_households: list[HouseholdRef]
    people_never_seen: list[PersonRef]
    by_grid: list[GridCoverage]


class MemberIn(Schema):
    person: int = Field(..., ge=1, le=2**62)
    present: bool = True
    temperature: Temperature | None = None
    symptoms: list[str] = Field(default_factory=list, max_length=10)
    key_area_travel: bool = False
    travel_place: str = Field("", max_length=64, pattern=NO_NUL)
    contact: Literal["", "confirmed", "suspected"] = ""
    returned_on: ClientDate | None = None


class NewPersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL)
    id_number: str = Field(..., min_length=5, max_length=32, pattern=NO_NUL)
    phone: str = Field("", max_length=20, pattern=NO_NUL)
    relation: str = Field("tenant", max_length=16, pattern=NO_NUL)
    category: Literal["registered", "unregistered", "floating", "tenant"] = "tenant"
    temperature: Temperature | None = None
    symptoms: list[str] = Field(default_factory=list, max_length=10)
    key_area_travel: bool = False
    travel_place: str = Field("", max_length=64, pattern=NO_NUL)
    contact: Literal["", "confirmed", "suspected"] = ""
    returned_on: ClientDate | None = None


class VisitIn(Schema):
    household: int = Field(..., ge=1, le=2**62)
    outcome: Literal["seen", "nobody_home", "refused"]
    at: datetime | None = None
    people: list[MemberIn] = Field(default_factory=list, max_length=50)
    new_people: list[NewPersonIn] = Field(default_factory=list, max_length=20)
    handouts: list[Literal["notice", "lantern", "knowledge", "masks", "contact_card"]] = Field(
        default_factory=list, max_length=5)
    note: str = Field("", max_length=500, pattern=NO_NUL)
    client_id: str | None = Field(None, min_length=1, max_length=64, pattern=NO_NUL)


class VisitOut(Schema):
    id: int
    round: int
    household: int
    address: str
    outcome: str
    at: datetime
    worker: str | None
    people: int
    added_on_spot: list[int]


class TravelIn(Schema):
    person: int = Field(..., ge=1, le=2**62)
    place: str = Field("", max_length=64, pattern=NO_NUL)
    left_on: ClientDate | None = None
    returned_on: ClientDate | None = None
    transport: str = Field("", max_length=64, pattern=NO_NUL)
    contact: Literal["", "confirmed", "suspected"] = ""
    note: str = Field("", max_length=200, pattern=NO_NUL)


class TravelOut(Schema):
    id: int
    person: int
    place: str
    left_on: date | None
    returned_on: date | None
    contact: str
    flagged: bool


def _round_out(r: Round) -> dict:
    return {"id": r.id, "community": r.community.code, "name": r.name, "starts_on": r.starts_on,
            "deadline": r.deadline, "closed": r.closed_at is not None,
            "grids": sorted(g.number for g in r.grids.all())}


@router.get("/screening/rounds", response=list[RoundOut], summary="Screening rounds in scope, newest first")
def rounds(request, open_only: bool = False):
    qs = selectors.my_rounds(actor=request.user) if open_only else selectors.round_list(actor=request.user)
    return [_round_out(r) for r in qs[:200]]


@router.post("/screening/rounds", response={201: RoundOut}, summary="Open a screening round")
def round_create(request, body: RoundIn):
    require(request.user, Perm.MANAGE_SCREENING)  # before any lookup: a refusal tells nothing of what exists
    community = registry_selectors.community_get(actor=request.user, code=body.community)
    grids = selectors.grids_by_number(community=community, numbers=body.grids)
    rnd = services.round_create(actor=request.user, community=community, name=body.name, starts_on=body.starts_on,
                                deadline=body.deadline, grids=grids)
    return Status(201, _round_out(rnd))


def _household_ref(h) -> dict:
    return {"id": h.id, "address": h.address, "grid": h.grid, "last_outcome": h.last_outcome}


@router.get("/screening/rounds/{round_id}/coverage", response=CoverageOut,
            summary="Who was seen and who is missing: households total, seen, unreachable, remaining")
def coverage(request, round_id: int = PK, grid: int | None = Query(None, ge=1, le=999)):
    rnd = selectors.round_get(actor=request.user, pk=round_id)
    grid_id = selectors.round_grid_id(rnd=rnd, number=grid) if grid is not None else None
    c = selectors.round_coverage(actor=request.user, rnd=rnd, grid_id=grid_id)
    t = c.total
    lists = c.lists_visible  # the street office gets the figures only
    return {
        "round": rnd.id, "households_total": t.households_total, "seen": t.seen, "unreachable": t.unreachable,
        "refused": t.refused, "remaining": t.remaining, "people_total": t.people_total, "people_seen": t.people_seen,
        "remaining_households": [_household_ref(h) for h in c.remaining_households] if lists else [],
        "unreachable_households": [_household_ref(h) for h in c.unreachable_households] if lists else [],
        "people_never_seen": [{"id": p.id, "name": mask_name(p.name), "household": p.household.address}
                              for p in c.people_never_seen] if lists else [],
        "by_grid": [{"grid": g.number, "name": g.name, "households_total": x.households_total, "seen": x.seen,
                     "unreachable": x.unreachable, "refused": x.refused, "remaining": x.remaining,
                     "people_total": x.people_total, "people_seen": x.people_seen} for g, x in c.by_grid],
    }


def _visit_out(v: Visit) -> dict:
    people = list(v.people.all())
    return {"id": v.id, "round": v.round_id, "household": v.household_id, "address": v.household.address,
            "outcome": v.outcome, "at": v.at, "worker": v.worker.username if v.worker else None,
            "people": len(people), "added_on_spot": [p.person_id for p in people if p.added_on_spot]}


def _check(m) -> services.MemberCheck:
    return services.MemberCheck(
        person_id=getattr(m, "person", 0), present=getattr(m, "present", True), temperature=m.temperature,
        symptoms=list(m.symptoms), key_area_travel=m.key_area_travel, travel_place=m.travel_place,
        contact=m.contact, returned_on=m.returned_on,
    )


@router.post("/screening/rounds/{round_id}/visits", response={201: VisitOut},
             summary="Record a visit: outcome, members with temperature and travel, people found on the spot")
def visit_create(request, body: VisitIn, round_id: int = PK):
    require(request.user, Perm.SCREEN)  # before any lookup: a refusal tells nothing of what exists
    rnd = selectors.round_get(actor=request.user, pk=round_id)
    household = registry_selectors.household_get(actor=request.user, pk=body.household)
    new_people, errors = [], []
    for i, n in enumerate(body.new_people):
        try:
            data = person_data_from({"name": n.name, "id_number": n.id_number, "phone": n.phone,
                                     "category": n.category})
            new_people.append(services.NewPerson(data=data, relation=parse_relation(n.relation),
                                                 check=_check(n)))
        except DomainError as e:
            if not e.field_errors:
                raise
            errors.extend(FieldError(f"new_people.{i}.{x.field}", x.code, x.message) for x in e.field_errors)
    if errors:
        raise ValidationErrors(errors)
    visit = services.visit_record(
        actor=request.user, rnd=rnd, household=household, outcome=body.outcome, at=body.at,
        checks=[_check(m) for m in body.people], new_people=new_people,
        handouts=body.handouts, note=body.note, client_id=body.client_id, via="api",
    )
    visit = selectors.visit_list(actor=request.user, rnd=rnd).get(pk=visit.pk)
    return Status(201, _visit_out(visit))


@router.get("/screening/rounds/{round_id}/visits", response=list[VisitOut], summary="Visits of a round, newest first")
def visits(request, response: HttpResponse, round_id: int = PK, household: int | None = Query(None, ge=1, le=2**62),
           limit: int = Query(200, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**7),
           cursor: str = Query("", max_length=CURSOR_MAX, pattern=CURSOR_PATTERN)):
    require(request.user, Perm.SCREEN)
    rnd = selectors.round_get(actor=request.user, pk=round_id)
    rows = api_page(request, response, selectors.visit_list(actor=request.user, rnd=rnd, household_id=household),
                    selectors.VISIT_ORDER, cursor=cursor, offset=offset, limit=limit, descending=True)
    return [_visit_out(v) for v in rows]


@router.post("/travel-records", response={201: TravelOut}, summary="Add a person's travel or contact history")
def travel_create(request, body: TravelIn):
    require(request.user, Perm.EDIT_REGISTRY)  # before any lookup: a refusal tells nothing of what exists
    person = registry_selectors.person_get(actor=request.user, pk=body.person)
    rec = services.travel_record_add(actor=request.user, person=person, place=body.place, left_on=body.left_on,
                                     returned_on=body.returned_on, transport=body.transport, contact=body.contact,
                                     note=body.note)
    return Status(201, {"id": rec.id, "person": person.id, "place": rec.place, "left_on": rec.left_on,
                        "returned_on": rec.returned_on, "contact": rec.contact,
                        "flagged": person_is_flagged(person)})


class MoveOut(Schema):
    person: int
    name: str
    household: str
    date: date


class FlagOut(Schema):
    person: int
    name: str
    place: str
    contact: str
    returned_on: date | None


class ChangesOut(Schema):
    since: date
    until: date
    arrivals: list[MoveOut]
    departures: list[MoveOut]
    new_flags: list[FlagOut]


@router.get("/screening/changes", response=ChangesOut,
            summary="Daily dynamic screening: arrivals, departures and new key-area flags since yesterday")
def changes(request, community: str = Query(..., max_length=24, pattern=NO_NUL), day: ClientDate | None = None):
    require(request.user, Perm.SCREEN)  # who moved in and out, by address: not for the street office
    place = registry_selectors.community_get(actor=request.user, code=community)
    ch = selectors.daily_changes(actor=request.user, community=place, day=day)
    return {
        "since": ch.since, "until": ch.until,
        "arrivals": [{"person": m.person_id, "name": mask_name(m.person.name), "household": m.household.address,
                      "date": m.start_date} for m in ch.arrivals],
        "departures": [{"person": m.person_id, "name": mask_name(m.person.name), "household": m.household.address,
                        "date": m.end_date} for m in ch.departures],
        "new_flags": [{"person": r.person_id, "name": mask_name(r.person.name), "place": r.place,
                       "contact": r.contact, "returned_on": r.returned_on} for r in ch.new_flags],
    }
