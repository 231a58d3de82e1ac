"""Observation endpoints: observations, follow-ups, alerts, returnee reports and sites — scoped, masked."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db.models import Count, Q
from ninja import Field, Path, Query, Router, Schema, Status

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import mask_name, normalise_id_number
from fangkong.observation import returnees, services
from fangkong.observation.models import Alert, Observation, ReturneeReport, Site
from fangkong.registry.models import Community, Household, Person

router = Router(tags=["observation"])
PK = Path(..., ge=1, le=2**62)
NO_NUL = r"^[^\x00]*$"


class PersonBrief(Schema):
    name: str
    id_number: str


class ObservationIn(Schema):
    id_number: str = Field(..., min_length=5, max_length=32, pattern=NO_NUL)
    kind: Literal["home", "centralised"]
    start: date
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
    temperature: Decimal = Field(..., ge=30, le=45, decimal_places=1)
    symptoms: list[str] = Field(default_factory=list, max_length=10)
    at: datetime | None = None
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
    planned_end: date
    reason: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)


class EndIn(Schema):
    status: Literal["completed", "transferred", "ended_early"]
    reason: str = Field("", max_length=200, pattern=NO_NUL)


class AlertOut(Schema):
    id: int
    kind: str
    status: str
    person: PersonBrief
    observation: int
    day: date
    slot: int | None
    raised_at: datetime
    detail: str
    responsible: str | None
    action: str


class CloseIn(Schema):
    action: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)


class ReportIn(Schema):
    community: str = Field(..., max_length=24, pattern=NO_NUL)
    from_place: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL)
    arrival_date: date
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


def _observations(request):
    require(request.user, Perm.VIEW_OBSERVATION)
    return (Observation.objects.for_scope(scope_of(request.user))
            .select_related("person", "community", "site", "responsible").annotate(followup_count=Count("followups")))


def _brief(person: Person) -> dict:
    return {"name": mask_name(person.name), "id_number": person.id_number_masked}


def _get(request, pk: int) -> Observation:
    obs = _observations(request).filter(pk=pk).first()
    if obs is None:
        raise NotFound("No such observation in your scope")
    return obs


def _obs_out(o: Observation) -> dict:
    return {"id": o.id, "status": o.status, "kind": o.kind, "start": o.start, "planned_end": o.planned_end,
            "person": _brief(o.person),
            "community": o.community.code, "site": o.site.name if o.site else None, "room": o.room,
            "responsible": o.responsible.username if o.responsible else None, "end_reason": o.end_reason,
            "followups": o.followup_count}


@router.post("/observations", response={201: ObservationOut},
             summary="Start medical observation; planned_end follows the policy in force (start + 14 days by default)")
def observation_create(request, body: ObservationIn):
    require(request.user, Perm.MANAGE_OBSERVATION)  # before any lookup: a refusal must not tell who lives here
    scope = scope_of(request.user)
    person = Person.objects.for_scope(scope).by_id_number(normalise_id_number(body.id_number)).first()
    if person is None:
        raise FieldError("id_number", "unknown_person", "No such person in your scope")
    site = None
    if body.site is not None:
        site = Site.objects.filter(pk=body.site, street_id=person.community.street_id).first()
        if site is None:
            raise FieldError("site", "unknown_site", "No such observation site")
    responsible = None
    if body.responsible:
        responsible = User.objects.filter(username=body.responsible, is_active=True).first()
        if responsible is None:
            raise FieldError("responsible", "unknown_user", "No such user")
    obs = services.observation_start(actor=request.user, person=person, kind=body.kind, start=body.start, site=site,
                                     room=body.room, responsible=responsible, reason=body.reason, via="api")
    return Status(201, _obs_out(_get(request, obs.pk)))


@router.get("/observations", response=list[ObservationOut], summary="Observations in scope")
def observation_list(
    request, status: Literal["", "active", "completed", "transferred", "ended_early"] = "active",
    kind: Literal["", "home", "centralised"] = "", limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**7),
):
    qs = _observations(request)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return [_obs_out(o) for o in qs.order_by("planned_end", "id")[offset:offset + limit]]


@router.get("/observations/{obs_id}", response=ObservationOut, summary="One observation")
def observation_detail(request, obs_id: int = PK):
    return _obs_out(_get(request, obs_id))


@router.post("/observations/{obs_id}/followups", response={201: FollowUpOut},
             summary="Record a follow-up; a temperature at or above the threshold opens a fever alert")
def followup_create(request, body: FollowUpIn, obs_id: int = PK):
    obs = _get(request, obs_id)
    fu = services.followup_record(actor=request.user, obs=obs, temperature=body.temperature,
                                  symptoms=body.symptoms, at=body.at, client_id=body.client_id, via="api")
    alert = fu.alerts.filter(kind=Alert.Kind.FEVER).values_list("id", flat=True).first()
    return Status(201, {"id": fu.id, "observation": obs.id, "at": fu.at, "day": fu.day, "slot": fu.slot,
                        "temperature": fu.temperature, "symptoms": fu.symptoms, "fever": fu.fever,
                        "source": fu.source, "alert": alert})


@router.post("/observations/{obs_id}/extend", response=ObservationOut,
             summary="Move the planned end later, with a reason (never shorter)")
def observation_extend(request, body: ExtendIn, obs_id: int = PK):
    obs = services.observation_extend(actor=request.user, obs=_get(request, obs_id), new_end=body.planned_end,
                                      reason=body.reason)
    return _obs_out(_get(request, obs.pk))


@router.post("/observations/{obs_id}/end", response=ObservationOut,
             summary="End: completed, transferred (to hospital) or ended_early (with a reason); passes reactivate")
def observation_end(request, body: EndIn, obs_id: int = PK):
    obs = services.observation_end(actor=request.user, obs=_get(request, obs_id), status=body.status,
                                   reason=body.reason, via="api")
    return _obs_out(_get(request, obs.pk))


def _alert_out(a: Alert) -> dict:
    return {"id": a.id, "kind": a.kind, "status": a.status,
            "person": _brief(a.person),
            "observation": a.observation_id, "day": a.day, "slot": a.slot, "raised_at": a.raised_at,
            "detail": a.detail, "responsible": a.responsible.username if a.responsible else None, "action": a.action}


def _alerts(request):
    require(request.user, Perm.VIEW_OBSERVATION)
    return Alert.objects.for_scope(scope_of(request.user)).select_related("person", "responsible")


@router.get("/alerts", response=list[AlertOut],
            summary="Alerts (fever, missed_followup) in scope; missed follow-ups are swept before answering")
def alert_list(
    request, status: Literal["", "open", "acknowledged", "closed"] = "",
    kind: Literal["", "fever", "missed_followup"] = "", mine: bool = False,
    limit: int = Query(200, ge=1, le=1000),
):
    require(request.user, Perm.VIEW_OBSERVATION)
    scope = scope_of(request.user)
    services.missed_followups_sweep(community_ids=None if scope.is_all else sorted(scope.visible_community_ids))
    qs = _alerts(request)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if mine:
        qs = qs.filter(responsible=request.user)
    return [_alert_out(a) for a in qs[:limit]]


def _alert(request, pk: int) -> Alert:
    a = _alerts(request).filter(pk=pk).first()
    if a is None:
        raise NotFound("No such alert in your scope")
    return a


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, summary="Acknowledge an alert")
def alert_acknowledge(request, alert_id: int = PK):
    services.alert_acknowledge(actor=request.user, alert=_alert(request, alert_id))
    return _alert_out(_alert(request, alert_id))


@router.post("/alerts/{alert_id}/close", response=AlertOut, summary="Close an alert with the action taken")
def alert_close(request, body: CloseIn, alert_id: int = PK):
    services.alert_close(actor=request.user, alert=_alert(request, alert_id), action=body.action)
    return _alert_out(_alert(request, alert_id))


def _reports(request):
    require(request.user, Perm.VIEW_OBSERVATION)
    return ReturneeReport.objects.for_scope(scope_of(request.user)).select_related("person")


def _report_out(r: ReturneeReport) -> dict:
    from fangkong.policy.selectors import policy_values_cached
    from fangkong.screening.flags import place_in_key_areas

    areas = policy_values_cached(community_id=r.community_id, on=r.arrival_date)["key_areas"]
    return {"id": r.id, "status": r.status, "via": r.via,
            "person": {"name": mask_name(r.name), "id_number": r.id_number_masked
                       or (r.person.id_number_masked if r.person else "")},
            "registered": r.person_id is not None, "from_place": r.from_place,
            "key_area": place_in_key_areas(r.from_place, list(areas)) is not None, "arrival_date": r.arrival_date,
            "planned": r.planned, "transport": r.transport, "address": r.address, "reported_at": r.reported_at,
            "observation": r.observation_id, "reject_reason": r.reject_reason}


def _report(request, pk: int) -> ReturneeReport:
    r = _reports(request).filter(pk=pk).first()
    if r is None:
        raise NotFound("No such report in your scope")
    return r


@router.get("/returnee-reports", response=list[ReportOut], summary="Returnee reports in scope, newest first")
def report_list(request, status: Literal["", "pending", "confirmed", "rejected"] = "pending",
                limit: int = Query(200, ge=1, le=1000)):
    qs = _reports(request)
    if status:
        qs = qs.filter(status=status)
    return [_report_out(r) for r in qs[:limit]]


@router.post("/returnee-reports", response={201: ReportOut}, summary="The office records a returnee report")
def report_create(request, body: ReportIn):
    community = Community.objects.for_scope(scope_of(request.user)).filter(code=body.community).first()
    if community is None:
        raise NotFound("No such community in your scope")
    data = returnees.ReportData(from_place=body.from_place, arrival_date=body.arrival_date, transport=body.transport,
                                address=body.address, person_id=body.person, name=body.name,
                                id_number=body.id_number, phone=body.phone, household_id=body.household)
    r = returnees.report_by_office(actor=request.user, community=community, data=data, via="api")
    return Status(201, _report_out(r))


@router.post("/returnee-reports/{report_id}/confirm", response=ReportOut,
             summary="Confirm: register if new, record the journey, start observation when policy says so")
def report_confirm(request, body: ConfirmIn, report_id: int = PK):
    report = _report(request, report_id)
    household = None
    if body.household is not None:
        household = Household.objects.for_scope(scope_of(request.user)).filter(pk=body.household,
                                                                                community_id=report.community_id).first()
        if household is None:
            raise FieldError("household", "unknown_household", "No such household in this community")
    returnees.report_confirm(actor=request.user, report=report, household=household, via="api")
    return _report_out(_report(request, report_id))


@router.post("/returnee-reports/{report_id}/reject", response=ReportOut, summary="Reject a report, with a reason")
def report_reject(request, body: RejectIn, report_id: int = PK):
    returnees.report_reject(actor=request.user, report=_report(request, report_id), reason=body.reason, via="api")
    return _report_out(_report(request, report_id))


@router.get("/observation-sites", response=list[SiteOut], summary="Centralised observation sites of your streets")
def sites(request):
    require(request.user, Perm.VIEW_OBSERVATION)
    scope = scope_of(request.user)
    qs = Site.objects.annotate(occupied=Count("observations", filter=Q(observations__status="active")))
    if not scope.is_all:
        streets = Community.objects.for_scope(scope).values_list("street_id", flat=True)
        qs = qs.filter(street_id__in=streets)
    return [{"id": s.id, "name": s.name, "address": s.address, "capacity": s.capacity, "occupied": s.occupied,
             "rooms": s.rooms} for s in qs]
