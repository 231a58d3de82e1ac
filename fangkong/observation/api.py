"""Observation endpoints: observations, follow-ups, alerts, returnee reports and sites — scoped, masked."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status

from fangkong.accounts.roles import Perm
from fangkong.accounts.selectors import user_get_active
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import CURSOR_MAX, CURSOR_PATTERN, api_page
from fangkong.observation import returnees, selectors, services, sweeps
from fangkong.observation.errors import ObservationCode
from fangkong.observation.models import Alert, Observation, ReturneeReport
from fangkong.registry.errors import RegistryCode
from fangkong.registry.models import Person
from fangkong.registry.selectors import community_get
from fangkong.screening.api import ClientDate, Temperature

router = Router(tags=["observation"])
# A previous answer's `X-Next-Cursor` (also in its `Link: rel="next"`): the page after it.
CURSOR = Query("", max_length=CURSOR_MAX, pattern=CURSOR_PATTERN)
PK = Path(..., ge=1, le=2**62)
NO_NUL = r"^[^\x00]*$"


class PersonBrief(Schema):
    name: str
    id_number: str


class ObservationIn(Schema):
    id_number: str = Field(..., min_length=5, max_length=32, pattern=NO_NUL)
    kind: Literal["home", "centralised"]
    start: ClientDate
    site: int | None = Field(None, ge=1, le=2**62, description="observation site id, for centralised")
    room: str = Field("", max_length=16, pattern=NO_NUL)
    responsible: str | None = Field(None, max_length=150, pattern=NO_NUL, description="username")
    reason: str = Field("", max_length=200, pattern=NO_NUL)


class ObservationOut(Schema):
    id: int
    status: str
    kind: str
    start: date
    planned_end: date
    person: PersonBrief
    community: str
    site: str | None
    room: str
    responsible: str | None
    end_reason: str
    followups: int


class FollowUpIn(Schema):
    temperature: Temperature
    symptoms: list[str] = Field(default_factory=list, max_length=10)
    at: datetime | None = None  # through core.dates.client_instant in the service
    client_id: str | None = Field(None, min_length=1, max_length=64, pattern=NO_NUL)


class FollowUpOut(Schema):
    id: int
    observation: int
    at: datetime
    day: date
    slot: int
    temperature: Decimal
    symptoms: list[str]
    fever: bool
    source: str
    alert: int | None


class ExtendIn(Schema):
    planned_end: ClientDate
    reason: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)


class EndIn(Schema):
    status: Literal["completed", "transferred", "ended_early"]
    reason: str = Field("", max_length=200, pattern=NO_NUL)


class AlertOut(Schema):
    id: int
    kind: str
    status: str
    person: PersonBrief
    observation: int | None
    day: date
    slot: int | None
    raised_at: datetime
    detail: str
    responsible: str | None
    action: str
    gate: str | None
    temperature: Decimal | None
    reported_by: str | None


class CloseIn(Schema):
    action: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)


class ReportIn(Schema):
    community: str = Field(..., max_length=24, pattern=NO_NUL)
    from_place: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL)
    arrival_date: ClientDate
    transport: str = Field("", max_length=64, pattern=NO_NUL)
    address: str = Field("", max_length=200, pattern=NO_NUL)
    person: int | None = Field(None, ge=1, le=2**62, description="a registered person, or give name and id_number")
    name: str = Field("", max_length=64, pattern=NO_NUL)
    id_number: str = Field("", max_length=32, pattern=NO_NUL)
    phone: str = Field("", max_length=20, pattern=NO_NUL)
    household: int | None = Field(None, ge=1, le=2**62)


class ReportOut(Schema):
    id: int
    status: str
    via: str
    person: PersonBrief
    registered: bool
    from_place: str
    key_area: bool
    arrival_date: date
    planned: bool
    transport: str
    address: str
    reported_at: datetime
    observation: int | None
    reject_reason: str


class ConfirmIn(Schema):
    household: int | None = Field(None, ge=1, le=2**62)


class RejectIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)


class SiteOut(Schema):
    id: int
    name: str
    address: str
    capacity: int
    occupied: int
    rooms: list[str]


def _brief(person: Person) -> dict:
    return {"name": mask_name(person.name), "id_number": person.id_number_masked}


def _obs_out(o: Observation, followups: int) -> dict:
    return {"id": o.id, "status": o.status, "kind": o.kind, "start": o.start, "planned_end": o.planned_end,
            "person": _brief(o.person),
            "community": o.community.code, "site": o.site.name if o.site else None, "room": o.room,
            "responsible": o.responsible.username if o.responsible else None, "end_reason": o.end_reason,
            "followups": followups}


def _obs_answer(request, pk: int) -> dict:
    """One observation as the API shows it, read afresh after a change."""
    obs = selectors.observation_get(actor=request.user, pk=pk)
    return _obs_out(obs, selectors.followup_counts(obs_ids=[obs.pk]).get(obs.pk, 0))


@router.post("/observations", response={201: ObservationOut},
             summary="Start medical observation; planned_end follows the policy in force (start + 14 days by default)")
def observation_create(request, body: ObservationIn):
    require(request.user, Perm.MANAGE_OBSERVATION)  # before any lookup: a refusal must not tell who lives here
    person = selectors.person_find(actor=request.user, id_number=body.id_number)
    if person is None:
        raise FieldError("id_number", ObservationCode.UNKNOWN_PERSON, "No such person in your scope")
    site = None
    if body.site is not None:
        # A site of the actor's streets; one of another street than the person's is the service's refusal.
        try:
            site = selectors.site_get(actor=request.user, pk=body.site)
        except NotFound:
            raise FieldError("site", ObservationCode.UNKNOWN_SITE, "No such observation site") from None
    responsible = None
    if body.responsible:
        responsible = user_get_active(username=body.responsible)
        if responsible is None:
            raise FieldError("responsible", ObservationCode.UNKNOWN_USER, "No such user")
    obs = services.observation_start(actor=request.user, person=person, kind=body.kind, start=body.start, site=site,
                                     room=body.room, responsible=responsible, reason=body.reason, via="api")
    return Status(201, _obs_answer(request, obs.pk))


@router.get("/observations", response=list[ObservationOut], summary="Observations in scope")
def observation_list(
    request, response: HttpResponse,
    status: Literal["", "active", "completed", "transferred", "ended_early"] = "active",
    kind: Literal["", "home", "centralised"] = "", limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**7), cursor: str = CURSOR,
):
    rows = api_page(request, response, selectors.observation_list(actor=request.user, status=status, kind=kind),
                    selectors.OBSERVATION_ORDER, cursor=cursor, offset=offset, limit=limit)
    counts = selectors.followup_counts(obs_ids=[o.id for o in rows])
    return [_obs_out(o, counts.get(o.id, 0)) for o in rows]


@router.get("/observations/{obs_id}", response=ObservationOut, summary="One observation")
def observation_detail(request, obs_id: int = PK):
    return _obs_answer(request, obs_id)


@router.post("/observations/{obs_id}/followups", response={201: FollowUpOut},
             summary="Record a follow-up; a temperature at or above the threshold opens a fever alert")
def followup_create(request, body: FollowUpIn, obs_id: int = PK):
    obs = selectors.observation_get(actor=request.user, pk=obs_id)
    fu = services.followup_record(actor=request.user, obs=obs, temperature=body.temperature,
                                  symptoms=body.symptoms, at=body.at, client_id=body.client_id, via="api")
    alert = selectors.fever_alert_id(followup=fu)
    return Status(201, {"id": fu.id, "observation": obs.id, "at": fu.at, "day": fu.day, "slot": fu.slot,
                        "temperature": fu.temperature, "symptoms": fu.symptoms, "fever": fu.fever,
                        "source": fu.source, "alert": alert})


@router.post("/observations/{obs_id}/extend", response=ObservationOut,
             summary="Move the planned end later, with a reason (never shorter)")
def observation_extend(request, body: ExtendIn, obs_id: int = PK):
    require(request.user, Perm.MANAGE_OBSERVATION)  # before any lookup: a refusal tells nothing of what exists
    obs = services.observation_extend(actor=request.user, obs=selectors.observation_get(actor=request.user, pk=obs_id),
                                      new_end=body.planned_end, reason=body.reason)
    return _obs_answer(request, obs.pk)


@router.post("/observations/{obs_id}/end", response=ObservationOut,
             summary="End: completed, transferred (to hospital) or ended_early (with a reason); passes reactivate")
def observation_end(request, body: EndIn, obs_id: int = PK):
    require(request.user, Perm.MANAGE_OBSERVATION)  # before any lookup: a refusal tells nothing of what exists
    obs = services.observation_end(actor=request.user, obs=selectors.observation_get(actor=request.user, pk=obs_id),
                                   status=body.status, reason=body.reason, via="api")
    return _obs_answer(request, obs.pk)


def _alert_out(a: Alert) -> dict:
    return {"id": a.id, "kind": a.kind, "status": a.status,
            "person": _brief(a.person),
            "observation": a.observation_id, "day": a.day, "slot": a.slot, "raised_at": a.raised_at,
            "detail": a.detail, "responsible": a.responsible.username if a.responsible else None, "action": a.action,
            "gate": a.gate.code if a.gate else None, "temperature": a.temperature,
            "reported_by": a.reported_by.username if a.reported_by else None}


@router.get("/alerts", response=list[AlertOut],
            summary="Alerts (fever, missed_followup, gate_fever) in scope; missed follow-ups swept before answering")
def alert_list(
    request, response: HttpResponse, status: Literal["", "open", "acknowledged", "closed"] = "",
    kind: Literal["", "fever", "missed_followup", "gate_fever"] = "", mine: bool = False,
    limit: int = Query(200, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**7), cursor: str = CURSOR,
):
    require(request.user, Perm.VIEW_OBSERVATION)
    sweeps.missed_followups_sweep_in_scope(actor=request.user)
    qs = selectors.alert_list(actor=request.user, statuses=[status] if status else [], kind=kind,
                              responsible=request.user if mine else None)
    rows = api_page(request, response, qs, selectors.ALERT_ORDER, cursor=cursor, offset=offset, limit=limit,
                    descending=True)
    return [_alert_out(a) for a in rows]


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, summary="Acknowledge an alert")
def alert_acknowledge(request, alert_id: int = PK):
    services.alert_acknowledge(actor=request.user, alert=selectors.alert_get(actor=request.user, pk=alert_id))
    return _alert_out(selectors.alert_get(actor=request.user, pk=alert_id))


@router.post("/alerts/{alert_id}/close", response=AlertOut, summary="Close an alert with the action taken")
def alert_close(request, body: CloseIn, alert_id: int = PK):
    services.alert_close(actor=request.user, alert=selectors.alert_get(actor=request.user, pk=alert_id),
                         action=body.action)
    return _alert_out(selectors.alert_get(actor=request.user, pk=alert_id))


def _report_out(r: ReturneeReport) -> dict:
    return {"id": r.id, "status": r.status, "via": r.via,
            "person": {"name": mask_name(r.name), "id_number": r.id_number_masked
                       or (r.person.id_number_masked if r.person else "")},
            "registered": r.person_id is not None, "from_place": r.from_place,
            "key_area": selectors.report_key_area(report=r) is not None, "arrival_date": r.arrival_date,
            "planned": r.planned, "transport": r.transport, "address": r.address, "reported_at": r.reported_at,
            "observation": r.observation_id, "reject_reason": r.reject_reason}


@router.get("/returnee-reports", response=list[ReportOut], summary="Returnee reports in scope, newest first")
def report_list(request, response: HttpResponse, status: Literal["", "pending", "confirmed", "rejected"] = "pending",
                limit: int = Query(200, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**7),
                cursor: str = CURSOR):
    rows = api_page(request, response, selectors.report_list(actor=request.user, status=status),
                    selectors.REPORT_ORDER, cursor=cursor, offset=offset, limit=limit, descending=True)
    return [_report_out(r) for r in rows]


@router.post("/returnee-reports", response={201: ReportOut}, summary="The office records a returnee report")
def report_create(request, body: ReportIn):
    require(request.user, Perm.CONFIRM_RETURNEES)  # before any lookup: a refusal tells nothing of what exists
    community = community_get(actor=request.user, code=body.community)
    data = returnees.ReportData(from_place=body.from_place, arrival_date=body.arrival_date, transport=body.transport,
                                address=body.address, person_id=body.person, name=body.name,
                                id_number=body.id_number, phone=body.phone, household_id=body.household)
    r = returnees.report_by_office(actor=request.user, community=community, data=data, via="api")
    return Status(201, _report_out(r))


@router.post("/returnee-reports/{report_id}/confirm", response=ReportOut,
             summary="Confirm: register if new, record the journey, start observation when policy says so")
def report_confirm(request, body: ConfirmIn, report_id: int = PK):
    require(request.user, Perm.CONFIRM_RETURNEES)  # before any lookup: a refusal tells nothing of what exists
    report = selectors.report_get(actor=request.user, pk=report_id)
    household = None
    if body.household is not None:
        household = selectors.household_in_community(actor=request.user, community_id=report.community_id,
                                                     pk=body.household)
        if household is None:
            raise FieldError("household", RegistryCode.UNKNOWN_HOUSEHOLD, "No such household in this community")
    returnees.report_confirm(actor=request.user, report=report, household=household, via="api")
    return _report_out(selectors.report_get(actor=request.user, pk=report_id))


@router.post("/returnee-reports/{report_id}/reject", response=ReportOut, summary="Reject a report, with a reason")
def report_reject(request, body: RejectIn, report_id: int = PK):
    require(request.user, Perm.CONFIRM_RETURNEES)  # before any lookup: a refusal tells nothing of what exists
    returnees.report_reject(actor=request.user, report=selectors.report_get(actor=request.user, pk=report_id),
                            reason=body.reason, via="api")
    return _report_out(selectors.report_get(actor=request.user, pk=report_id))


@router.get("/observation-sites", response=list[SiteOut], summary="Centralised observation sites of your streets")
def sites(request):
    return [{"id": s.id, "name": s.name, "address": s.address, "capacity": s.capacity, "occupied": s.occupied,
             "rooms": s.rooms} for s in selectors.site_occupancy(actor=request.user)]
