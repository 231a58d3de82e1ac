"""Writes for medical observation: start, extend, end, follow-ups, alerts and the missed-follow-up sweep.

While an observation is active the person's passes are suspended, so every gate denies exit with
`under_observation`; ending it reactivates them. Both happen in the observation's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, Role, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.dates import client_instant, local_today
from fangkong.core.errors import Code, FieldError, NotFound
from fangkong.core.health import is_fever, parse_symptoms, parse_temperature
from fangkong.gates.models import Gate
from fangkong.observation.errors import ObservationCode
from fangkong.observation.models import Alert, Extension, FollowUp, Observation, ReportLink, Site
from fangkong.observation.slots import due_slots, slot_of
from fangkong.passes.services import passes_suspend_for_person
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.models import Person
from fangkong.workgroup.models import HouseholdLiaison

# How far ahead an observation may be planned (a returnee announced for next week).
MAX_START_AHEAD = timedelta(days=30)
# Extensions stop at this many times the observation days in force on the start day (14 + 14 by
# default): a longer stay is a case for the hospital, not a date typed into a form (docs/decisions/0007).
MAX_LENGTH_FACTOR = 2


def observation_active_for(person_ids: list[int]) -> set[int]:
    return set(Observation.objects.filter(person_id__in=person_ids, status=Observation.Status.ACTIVE)
               .values_list("person_id", flat=True))


def _observation_days(community_id: int, start: date) -> int:
    return int(policy_values_cached(community_id=community_id, on=start)["observation_days"])


def planned_end_for(*, community_id: int, start: date) -> date:
    return start + timedelta(days=_observation_days(community_id, start))


def latest_planned_end(*, obs: Observation) -> date:
    """The latest planned end an extension may set: the start plus MAX_LENGTH_FACTOR times the
    observation days in force on the start day."""
    return obs.start + timedelta(days=MAX_LENGTH_FACTOR * _observation_days(obs.community_id, obs.start))


def default_responsible(person: Person) -> User | None:
    """The household's liaison cadre if they have a login, else the grid worker of the person's grid."""
    if person.household_id:
        liaison = (HouseholdLiaison.objects.filter(household_id=person.household_id, member__user__is_active=True)
                   .select_related("member__user").order_by("id").first())
        if liaison is not None:
            return liaison.member.user
    if person.grid_id:
        return (User.objects.filter(role=Role.GRID_WORKER, is_active=True, scope_grants__grid_id=person.grid_id)
                .order_by("id").first())
    return None


def _check_person(actor: User, person: Person) -> None:
    if not scope_of(actor).covers_grid(person.community_id, person.grid_id):
        raise NotFound(_("No such person in your scope"))


@transaction.atomic
def observation_start(
    *, actor: User, person: Person, kind: str, start: date, site: Site | None = None, room: str = "",
    responsible: User | None = None, reason: str = "", via: str = "web",
) -> Observation:
    require(actor, Perm.MANAGE_OBSERVATION)
    _check_person(actor, person)
    if kind not in Observation.Kind.values:
        raise FieldError("kind", Code.INVALID_CHOICE, _("Observation is home or centralised"))
    if start > local_today() + MAX_START_AHEAD:
        raise FieldError("start", ObservationCode.TOO_FAR_AHEAD, _("An observation starts at most 30 days ahead"))
    room = (room or "").strip()[:16]
    if kind == Observation.Kind.CENTRALISED:
        if site is None:
            raise FieldError("site", Code.REQUIRED, _("Choose the observation site"))
        if site.street_id != person.community.street_id:
            raise FieldError("site", ObservationCode.SITE_OUTSIDE_STREET, _("The site serves another street"))
        site = Site.objects.select_for_update().get(pk=site.pk)  # one booking at a time per site
        active = Observation.objects.filter(site=site, status=Observation.Status.ACTIVE)
        if active.count() >= site.capacity:
            raise FieldError("site", ObservationCode.SITE_FULL, _("The site is full"))
        if site.rooms and room and room not in site.rooms:
            raise FieldError("room", ObservationCode.UNKNOWN_ROOM, _("The site has no such room"))
        if room and active.filter(room=room).exists():
            raise FieldError("room", ObservationCode.ROOM_TAKEN, _("Someone is already observed in this room"))
    else:
        site, room = None, ""
    if responsible is not None and not (
        responsible.is_active and role_can(responsible.role, Perm.FOLLOW_UP)
        and scope_of(responsible).covers_grid(person.community_id, person.grid_id)
    ):
        raise FieldError("responsible", ObservationCode.RESPONSIBLE_OUT_OF_SCOPE,
                         _("The responsible worker must be able to follow this person up"))
    # Serialise observations of one person: the partial unique index is the last word.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if Observation.objects.filter(person=person, status=Observation.Status.ACTIVE).exists():
        raise FieldError("id_number", ObservationCode.ALREADY_UNDER_OBSERVATION,
                         _("The person is already under observation"))
    try:
        with transaction.atomic():
            obs = Observation.objects.create(
                community_id=person.community_id, grid_id=person.grid_id, person=person, kind=kind, site=site,
                room=room, start=start, planned_end=planned_end_for(community_id=person.community_id, start=start),
                opened_at=timezone.now(), responsible=responsible or default_responsible(person),
                reason=(reason or "").strip()[:200], created_by=actor,
            )
    except IntegrityError:
        raise FieldError("id_number", ObservationCode.ALREADY_UNDER_OBSERVATION,
                         _("The person is already under observation")) from None
    passes_suspend_for_person(person=person, suspended=True)
    audit_record(actor=actor, action="create", object_type="observation", object_id=obs.pk,
                 community_id=obs.community_id, fields=["person", "kind", "start", "planned_end"], via=via)
    return obs


def _locked(actor: User, obs: Observation) -> Observation:
    obs = Observation.objects.select_for_update().select_related("person").get(pk=obs.pk)
    _check_person(actor, obs.person)
    return obs


@transaction.atomic
def observation_extend(*, actor: User, obs: Observation, new_end: date, reason: str) -> Observation:
    """Move the planned end later, with a reason, up to `latest_planned_end`. Shortening is not an edit:
    end it early, with a reason."""
    require(actor, Perm.MANAGE_OBSERVATION)
    obs = _locked(actor, obs)
    if obs.status != Observation.Status.ACTIVE:
        raise FieldError("status", ObservationCode.OBSERVATION_ENDED, _("The observation has ended"))
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", Code.REQUIRED, _("Say why the observation is extended"))
    if new_end <= obs.planned_end:
        raise FieldError("planned_end", ObservationCode.NOT_LATER,
                         _("An observation can only be extended; to stop it sooner, end it early with a reason"))
    latest = latest_planned_end(obs=obs)
    if new_end > latest:
        raise FieldError("planned_end", ObservationCode.EXTENSION_TOO_LONG,
                         _("An observation lasts at most %(days)s days: extend it until %(day)s at the latest")
                         % {"days": (latest - obs.start).days, "day": latest.isoformat()})
    Extension.objects.create(observation=obs, previous_end=obs.planned_end, new_end=new_end, reason=reason[:200],
                             by=actor)
    obs.planned_end = new_end
    obs.save(update_fields=["planned_end"])
    audit_record(actor=actor, action="update", object_type="observation", object_id=obs.pk,
                 community_id=obs.community_id, fields=["planned_end"])
    return obs


@transaction.atomic
def observation_end(*, actor: User, obs: Observation, status: str, reason: str = "", via: str = "web") -> Observation:
    require(actor, Perm.MANAGE_OBSERVATION)
    obs = _locked(actor, obs)
    if obs.status != Observation.Status.ACTIVE:
        raise FieldError("status", ObservationCode.OBSERVATION_ENDED, _("The observation has already ended"))
    ends = {Observation.Status.COMPLETED, Observation.Status.TRANSFERRED, Observation.Status.ENDED_EARLY}
    if status not in ends:
        raise FieldError("status", Code.INVALID_CHOICE, _("End as completed, transferred or ended_early"))
    reason = (reason or "").strip()
    if status == Observation.Status.COMPLETED and local_today() < obs.planned_end:
        raise FieldError("status", ObservationCode.BEFORE_PLANNED_END,
                         _("The observation runs until %(day)s: to stop it sooner, end it early with a reason")
                         % {"day": obs.planned_end.isoformat()})
    if status == Observation.Status.ENDED_EARLY and not reason:
        raise FieldError("reason", Code.REQUIRED, _("Say why the observation ends early"))
    obs.status, obs.ended_at, obs.end_reason = status, timezone.now(), reason[:200]
    obs.save(update_fields=["status", "ended_at", "end_reason"])
    passes_suspend_for_person(person=obs.person, suspended=False)
    # The self-report link showed the person's temperatures: it stops with the observation.
    ReportLink.objects.filter(person=obs.person, kind=ReportLink.Kind.FOLLOWUP, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    audit_record(actor=actor, action="update", object_type="observation", object_id=obs.pk,
                 community_id=obs.community_id, fields=["status", "end_reason"], via=via)
    return obs


def _open_alert(obs: Observation, kind: str, *, day: date, slot: int | None, detail: str,
                followup: FollowUp | None = None, at: datetime | None = None) -> Alert:
    return Alert.objects.create(
        community_id=obs.community_id, grid_id=obs.grid_id, observation=obs, person_id=obs.person_id, kind=kind,
        responsible_id=obs.responsible_id, day=day, slot=slot, followup=followup, detail=detail[:200],
        raised_at=at or timezone.now(),
    )


@transaction.atomic
def followup_record(
    *, actor: User | None, obs: Observation, temperature: object, symptoms: list | None = None,
    at: datetime | None = None, source: str = FollowUp.Source.WORKER, client_id: str | None = None,
    via: str = "web",
) -> FollowUp:
    """A temperature and symptom check. At or above the fever threshold it opens a fever alert.

    `actor` is None for a self-report through the person's own link (the link was checked by the caller).
    """
    if actor is not None:
        require(actor, Perm.FOLLOW_UP)
    if client_id:  # the user's own id only (a self-report's: its link's); see FollowUp.client_id
        earlier = FollowUp.objects.filter(recorded_by=actor, client_id=client_id).first()
        if earlier is not None:
            if earlier.observation_id != obs.pk:
                raise FieldError("client_id", ObservationCode.CLIENT_ID_TAKEN,
                                 _("This client id belongs to another follow-up"))
            return earlier
    obs = Observation.objects.select_for_update().select_related("person").get(pk=obs.pk)
    if actor is not None:
        _check_person(actor, obs.person)
    t = parse_temperature(temperature)
    symptoms = parse_symptoms(symptoms)
    now = timezone.now()
    at = client_instant(at, field="at", now=now)
    day = timezone.localtime(at).date()
    if obs.status != Observation.Status.ACTIVE or day > obs.planned_end:
        raise FieldError("observation", ObservationCode.OBSERVATION_ENDED,
                         _("The observation has ended: follow-ups are no longer taken"))
    if day < obs.start:
        raise FieldError("at", Code.BEFORE_START, _("The observation had not started then"))
    policy = policy_values_cached(community_id=obs.community_id, on=day)
    per_day = int(policy["followups_per_day"])
    slot_day, slot = slot_of(at, per_day)
    fever = is_fever(t, threshold=policy["fever_threshold"], comparison=policy["fever_comparison"])
    try:
        with transaction.atomic():
            fu = FollowUp.objects.create(
                observation=obs, at=at, day=slot_day, slot=slot, temperature=t, symptoms=symptoms, fever=fever,
                source=source, recorded_by=actor, client_id=client_id or None,
            )
    except IntegrityError:  # the same client_id raced in from a retry
        earlier = FollowUp.objects.get(recorded_by=actor, client_id=client_id)
        if earlier.observation_id != obs.pk:
            raise FieldError("client_id", ObservationCode.CLIENT_ID_TAKEN,
                             _("This client id belongs to another follow-up")) from None
        return earlier
    if fever:
        # The symptoms stay on the follow-up, as codes, and are shown in the reader's language from there.
        _open_alert(obs, Alert.Kind.FEVER, day=slot_day, slot=slot, followup=fu, at=at, detail=f"{t} °C")
    # A late follow-up answers the alert its slot raised.
    late = list(Alert.objects.filter(observation=obs, kind=Alert.Kind.MISSED_FOLLOWUP, day=slot_day, slot=slot,
                                     status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED])
                .values_list("id", flat=True))
    if late:
        Alert.objects.filter(id__in=late).update(status=Alert.Status.CLOSED, closed_at=now, closed_by=actor,
                                                 action=str(_("Follow-up recorded late")))
        for alert_id in late:
            audit_record(actor=actor, action="update", object_type="alert", object_id=alert_id,
                         community_id=obs.community_id, fields=["status", "action"], via=via)
    audit_record(actor=actor, action="create", object_type="followup", object_id=fu.pk,
                 community_id=obs.community_id, fields=["temperature", "symptoms"], via=via)
    return fu


def missed_followups_sweep(*, now: datetime | None = None, community_ids: Iterable[int] | None = None,
                           after: datetime | None = None) -> int:
    """Raise one alert per follow-up slot that closed without a follow-up. Safe to run anywhere, any time:
    the partial unique index keeps one alert per slot however many processes sweep at once.

    `after`: the slots that closed by then were swept already (a watermark), so only those closing in
    (after, now] are looked at, and only those days' follow-ups and alerts read: the cost of an incremental
    sweep follows the observations under way, not the days they have run."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if after is not None and after >= now:
        return 0
    first_day = timezone.localtime(after).date() if after is not None else None
    active = Observation.objects.filter(status=Observation.Status.ACTIVE, start__lte=today)
    if community_ids is not None:
        active = active.filter(community_id__in=list(community_ids))
    if first_day is not None:  # a slot of day D closes on day D: observations released before then are done
        active = active.filter(planned_end__gt=first_day)
    active = list(active.only("id", "community_id", "grid_id", "person_id", "responsible_id", "start",
                              "planned_end", "opened_at"))
    if not active:
        return 0
    ids = [o.id for o in active]
    done_qs = FollowUp.objects.filter(observation_id__in=ids)
    raised_qs = Alert.objects.filter(observation_id__in=ids, kind=Alert.Kind.MISSED_FOLLOWUP)
    if first_day is not None:
        done_qs, raised_qs = done_qs.filter(day__gte=first_day), raised_qs.filter(day__gte=first_day)
    done = set(done_qs.values_list("observation_id", "day", "slot"))
    raised = set(raised_qs.values_list("observation_id", "day", "slot"))
    new: list[Alert] = []
    for obs in active:
        # Follow-ups are due on the days of observation, not on the day of release; each day by the
        # number of follow-ups the policy asked for on that day.
        day = max(obs.start, first_day) if first_day is not None else obs.start
        last_day = min(obs.planned_end - timedelta(days=1), today)
        opened_at = max(obs.opened_at, after) if after is not None else obs.opened_at
        while day <= last_day:
            per_day = int(policy_values_cached(community_id=obs.community_id, on=day)["followups_per_day"])
            new.extend(_missed_on(obs, day, per_day, now, opened_at, done, raised))
            day += timedelta(days=1)
    if new:
        Alert.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _missed_on(obs: Observation, day: date, per_day: int, now: datetime, opened_at: datetime, done: set,
               raised: set) -> list[Alert]:
    out = []
    for _day, slot, deadline in due_slots(start=day, last_day=day, opened_at=opened_at, now=now,
                                          per_day=per_day):
        key = (obs.id, day, slot)
        if key in done or key in raised:
            continue
        out.append(Alert(community_id=obs.community_id, grid_id=obs.grid_id, observation=obs,
                         person_id=obs.person_id, kind=Alert.Kind.MISSED_FOLLOWUP,
                         responsible_id=obs.responsible_id, day=day, slot=slot, raised_at=deadline,
                         detail=timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")))
    return out


# The detail of a gate_fever alert lists the day's refusals, "08:15 东门 37.5 °C; …", within its 200 characters.
_DETAIL_MAX = 200


def _refusals_detail(earlier: str, entry: str) -> str:
    """The refusals so far with `entry` added; when they no longer fit, the first, "…" and the latest."""
    entries = [e for e in earlier.split("; ") if e and e != "…"] + [entry]
    text = "; ".join(entries)
    if len(text) <= _DETAIL_MAX:
        return text
    first, rest = entries[0], entries[1:]
    while rest and len("; ".join([first, "…", *rest])) > _DETAIL_MAX:
        rest = rest[1:]
    return "; ".join([first, "…", *rest])[:_DETAIL_MAX]


@transaction.atomic
def alert_open_for_gate_fever(*, actor: User | None, scan_id: int | None, person_id: int, gate_id: int,
                              temperature: Decimal, at: datetime, via: str = "api") -> Alert:
    """A scan refused for fever opens a `gate_fever` alert of the gate's community: the person, the gate,
    the temperature and the guard (`reported_by`). It is in the grid of the person's household when they
    live in that community (else community-wide), for their responsible worker (liaison, else grid
    worker), and tied to their observation if one is active. Called for the guard's scan, which was
    allowed to scan at that gate: no permission of the guard's is checked here.

    One live alert per person, community and day (docs/decisions/0013): a further refusal that day, at
    any gate of the community, updates the open or acknowledged alert (the latest gate, scan and
    temperature; the refusal added to the detail) rather than raising another; once the alert is
    closed, the next refusal opens a new one."""
    gate = Gate.objects.get(pk=gate_id)
    # Serialise refusals of one person (two gates at once): the partial unique index is the last word.
    person = Person.objects.select_for_update().get(pk=person_id)
    day = timezone.localtime(at).date()
    entry = f"{timezone.localtime(at):%H:%M} {gate.name} {temperature} °C"
    live = (Alert.objects.select_for_update()
            .filter(kind=Alert.Kind.GATE_FEVER, community_id=gate.community_id, person=person, day=day,
                    status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED]).first())
    if live is not None:
        live.gate, live.scan_id, live.temperature, live.reported_by = gate, scan_id, temperature, actor
        live.detail = _refusals_detail(live.detail, entry)
        live.save(update_fields=["gate", "scan", "temperature", "reported_by", "detail"])
        audit_record(actor=actor, action="update", object_type="alert", object_id=live.pk,
                     community_id=live.community_id, fields=["temperature", "gate"], via=via)
        return live
    resident = person.community_id == gate.community_id
    obs = Observation.objects.filter(person=person, status=Observation.Status.ACTIVE).first()
    alert = Alert.objects.create(
        community_id=gate.community_id, grid_id=person.grid_id if resident else None, observation=obs,
        person=person, kind=Alert.Kind.GATE_FEVER, responsible=default_responsible(person) if resident else None,
        day=day, detail=entry[:_DETAIL_MAX], raised_at=at, gate=gate, scan_id=scan_id, temperature=temperature,
        reported_by=actor,
    )
    audit_record(actor=actor, action="create", object_type="alert", object_id=alert.pk,
                 community_id=alert.community_id, fields=["kind", "person", "gate", "temperature"], via=via)
    return alert


def _alert_locked(actor: User, alert: Alert) -> Alert:
    require(actor, Perm.FOLLOW_UP)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not scope_of(actor).covers_grid(alert.community_id, alert.grid_id):
        raise NotFound(_("No such alert in your scope"))
    return alert


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert) -> Alert:
    alert = _alert_locked(actor, alert)
    if alert.status == Alert.Status.OPEN:
        alert.status, alert.acknowledged_by, alert.acknowledged_at = Alert.Status.ACKNOWLEDGED, actor, timezone.now()
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit_record(actor=actor, action="update", object_type="alert", object_id=alert.pk,
                     community_id=alert.community_id, fields=["status"])
    return alert


@transaction.atomic
def alert_close(*, actor: User, alert: Alert, action: str) -> Alert:
    alert = _alert_locked(actor, alert)
    action = (action or "").strip()
    if not action:
        raise FieldError("action", Code.REQUIRED, _("Say what was done"))
    if alert.status == Alert.Status.CLOSED:
        raise FieldError("status", ObservationCode.ALREADY_CLOSED, _("The alert is already closed"))
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = actor, now
    alert.status, alert.closed_by, alert.closed_at, alert.action = Alert.Status.CLOSED, actor, now, action[:200]
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "closed_by", "closed_at", "action"])
    audit_record(actor=actor, action="update", object_type="alert", object_id=alert.pk,
                 community_id=alert.community_id, fields=["status", "action"])
    return alert


@transaction.atomic
def site_create(*, actor: User, street, name: str, capacity: int, address: str = "", rooms: list[str] | None = None
                ) -> Site:
    require(actor, Perm.MANAGE_OBSERVATION)
    scope = scope_of(actor)
    if not scope.is_all and not street.communities.filter(id__in=scope.community_ids).exists():
        raise NotFound(_("No such street in your scope"))
    name = (name or "").strip()
    if not name:
        raise FieldError("name", Code.REQUIRED, _("Give the site a name"))
    if not 1 <= int(capacity) <= 5000:
        raise FieldError("capacity", Code.OUT_OF_RANGE, _("Capacity is from 1 to 5000"))
    rooms = [r.strip()[:16] for r in (rooms or []) if r.strip()]
    site = Site.objects.create(street=street, name=name[:64], address=(address or "").strip()[:200],
                               capacity=int(capacity), rooms=rooms)
    audit_record(actor=actor, action="create", object_type="observation_site", object_id=site.pk,
                 fields=["name", "capacity", "rooms"])
    return site
