"""Reads for observation, each scoped to the actor at this one door: the pages (views/) and the API (api.py)
read observations, alerts, returnee reports, links and sites through these and nothing else.

A selector that returns one object raises `NotFound` outside the actor's scope, so "not yours" and "does
not exist" look the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import NotFound
from fangkong.core.identifiers import normalise_id_number
from fangkong.core.paging import Key
from fangkong.observation.models import Alert, Extension, FollowUp, Observation, ReportLink, ReturneeReport, Site
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.models import Community, Household, Person, Street, Tenancy
from fangkong.registry.selectors import community_list
from fangkong.screening.flags import place_in_key_areas

# A person's current observation first, else their latest.
_ACTIVE_FIRST = Case(When(status=Observation.Status.ACTIVE, then=Value(0)), default=Value(1),
                     output_field=IntegerField())


# --- people and places ----------------------------------------------------------------------------------


def person_find(*, actor: User, pk: int | None = None, id_number: str = "") -> Person | None:
    """A person in the actor's scope by id or by ID number (as typed: spaces and dashes allowed), else None."""
    people = (Person.objects.for_scope(scope_of(actor)).filter(purged_at__isnull=True)
              .select_related("community", "household"))
    if pk is not None:
        return people.filter(pk=pk).first()
    raw = (id_number or "").strip()
    if not raw:
        return None
    for number in dict.fromkeys([normalise_id_number(raw), re.sub(r"[\s-]+", "", normalise_id_number(raw))]):
        person = people.by_id_number(number).first()
        if person is not None:
            return person
    return None


def office_communities(*, actor: User) -> list[Community]:
    """The communities whose returnees the actor may enter and decide: those they cover as a whole."""
    scope = scope_of(actor)
    # The columns the office's forms use (a city's office holds a thousand communities); the rest load if read.
    communities = community_list(actor=actor).select_related(None).only("id", "code", "name", "street_id")
    return [c for c in communities.order_by("code") if scope.covers_whole_community(c.id)]


def household_in_community(*, actor: User, community_id: int, pk: int | None = None,
                           address: str = "") -> Household | None:
    """A household of the community in the actor's scope, by id or by exact address, else None."""
    households = Household.objects.for_scope(scope_of(actor)).filter(community_id=community_id)
    if pk is not None:
        return households.filter(pk=pk).first()
    address = (address or "").strip()
    return households.filter(address=address).order_by("id").first() if address else None


def household_addresses(*, actor: User, q: str, community_id: int | None = None, limit: int = 12) -> list[str]:
    """Addresses in the actor's scope containing `q`, for the household fields' suggestions."""
    households = Household.objects.for_scope(scope_of(actor)).filter(address__icontains=q)
    if community_id is not None:
        households = households.filter(community_id=community_id)
    return list(households.order_by("address").values_list("address", flat=True).distinct()[:limit])


def work_resumption_date(*, community_id: int, on: date) -> date | None:
    raw = policy_values_cached(community_id=community_id, on=on).get("work_resumption_date")
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


# --- observations ---------------------------------------------------------------------------------------

# The orders of the lists the API pages by cursor, each served by an index of migration 0006.
OBSERVATION_ORDER = (Key("k_end", F("planned_end"), date), Key("pk", F("pk")))  # due for release first
ALERT_ORDER = (Key("k_at", F("raised_at"), datetime), Key("pk", F("pk")))  # read newest first
REPORT_ORDER = (Key("k_at", F("reported_at"), datetime), Key("pk", F("pk")))  # read newest first


def observation_list(*, actor: User, status: str = "", kind: str = "", due_on: date | None = None
                     ) -> QuerySet[Observation]:
    """Observations in the actor's scope; `status` and `kind` empty for all; `due_on` a day: the active
    ones due for release by then."""
    require(actor, Perm.VIEW_OBSERVATION)
    # The small tables by prefetch: six joins cost PostgreSQL more to plan than the page costs to read.
    rows = (Observation.objects.for_scope(scope_of(actor)).select_related("person", "person__household", "site")
            .prefetch_related("responsible", "community", "grid"))
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if due_on is not None:
        rows = rows.filter(status=Observation.Status.ACTIVE, planned_end__lte=due_on)
    return rows


def observation_get(*, actor: User, pk: int) -> Observation:
    obs = observation_list(actor=actor).filter(pk=pk).first()
    if obs is None:
        raise NotFound(_("No such observation in your scope"))
    return obs


def followup_counts(*, obs_ids: Iterable[int]) -> dict[int, int]:
    rows = (FollowUp.objects.filter(observation_id__in=list(obs_ids)).values("observation_id")
            .annotate(n=Count("id")).order_by())
    return {r["observation_id"]: r["n"] for r in rows}


def _slots_done_on(obs_ids: Iterable[int], day: date) -> dict[int, int]:
    rows = (FollowUp.objects.filter(observation_id__in=list(obs_ids), day=day).values("observation_id")
            .annotate(n=Count("slot", distinct=True)).order_by())
    return {r["observation_id"]: r["n"] for r in rows}


def observations_with_progress(*, observations: Iterable[Observation], today: date) -> list[Observation]:
    """Each observation with its day N of M (the days run from the start to the day before release),
    the follow-ups the policy asks for a day and the slots done today."""
    observations = list(observations)
    done = _slots_done_on([o.id for o in observations], today)
    for obs in observations:
        obs.days_total = (obs.planned_end - obs.start).days
        obs.day_number = (today - obs.start).days + 1
        obs.not_started = today < obs.start
        obs.due_release = obs.status == Observation.Status.ACTIVE and today >= obs.planned_end
        obs.days_left = max(0, (obs.planned_end - today).days)
        obs.per_day = int(policy_values_cached(community_id=obs.community_id, on=today)["followups_per_day"])
        obs.done_today = done.get(obs.id, 0)
    return observations


@dataclass
class ObservationHistory:
    followups: list[FollowUp]
    extensions: list[Extension]
    alerts: list[Alert]
    report: ReturneeReport | None


def observation_history(*, obs: Observation, followups: int = 200, alerts: int = 50) -> ObservationHistory:
    """What happened in an observation the actor has already been given (`observation_get`)."""
    return ObservationHistory(
        followups=list(obs.followups.select_related("recorded_by")[:followups]),
        extensions=list(obs.extensions.select_related("by").order_by("at")),
        alerts=list(obs.alerts.select_related("responsible", "closed_by")[:alerts]),
        report=ReturneeReport.objects.filter(observation=obs).first(),
    )


def observation_of_person(*, person: Person) -> Observation | None:
    """The person's current observation, else their latest: for the self-report page behind their link."""
    return (Observation.objects.filter(person=person).select_related("person")
            .order_by(_ACTIVE_FIRST, "-start", "-id").first())


def followups_recent(*, obs: Observation, limit: int = 6) -> list[FollowUp]:
    return list(obs.followups.all()[:limit])


# --- alerts ---------------------------------------------------------------------------------------------


def alert_list(*, actor: User, statuses: Iterable[str] = (), kind: str = "", responsible: User | None = None
               ) -> QuerySet[Alert]:
    """Alerts in the actor's scope, newest first; `statuses` empty for all. Raise the missed follow-ups
    first (`sweeps.missed_followups_sweep_in_scope`) where the list must be current."""
    require(actor, Perm.VIEW_OBSERVATION)
    # The users by prefetch (one small query each): eight joins cost PostgreSQL 20 ms to plan, on each view,
    # for a page whose rows it reads in 1 ms.
    alerts = (Alert.objects.for_scope(scope_of(actor)).select_related("person", "observation", "gate")
              .prefetch_related("responsible", "acknowledged_by", "closed_by", "reported_by"))
    if statuses := list(statuses):
        alerts = alerts.filter(status__in=statuses)
    if kind:
        alerts = alerts.filter(kind=kind)
    if responsible is not None:
        alerts = alerts.filter(responsible=responsible)
    return alerts


def alert_counts_on(*, actor: User, day: date) -> dict[str, int]:
    """The day's figures: alerts in the actor's scope raised that day, by kind (every kind present, 0 if none)."""
    rows = (alert_list(actor=actor).filter(day=day).values("kind").annotate(n=Count("id")).order_by())
    counts = dict.fromkeys(Alert.Kind.values, 0)
    counts.update({r["kind"]: r["n"] for r in rows})
    return counts


def alert_get(*, actor: User, pk: int) -> Alert:
    alert = alert_list(actor=actor).filter(pk=pk).first()
    if alert is None:
        raise NotFound(_("No such alert in your scope"))
    return alert


def fever_alert_id(*, followup: FollowUp) -> int | None:
    """The fever alert a follow-up opened, if it did."""
    return followup.alerts.filter(kind=Alert.Kind.FEVER).values_list("id", flat=True).first()


# --- returnee reports and personal links ----------------------------------------------------------------


def report_list(*, actor: User, status: str = "") -> QuerySet[ReturneeReport]:
    """Returnee reports in the actor's scope, newest first; `status` empty for all."""
    require(actor, Perm.VIEW_OBSERVATION)
    # The rarely set relations by prefetch: fewer joins, a plan in a fraction of the time.
    reports = (ReturneeReport.objects.for_scope(scope_of(actor)).select_related("household", "person")
               .prefetch_related("link__person", "observation", "decided_by"))
    return reports.filter(status=status) if status else reports


def report_get(*, actor: User, pk: int) -> ReturneeReport:
    report = report_list(actor=actor).filter(pk=pk).first()
    if report is None:
        raise NotFound(_("No such report in your scope"))
    return report


def report_key_area(*, report: ReturneeReport) -> str | None:
    """The key area the returnee comes from, by the policy in force on the arrival date, else None."""
    areas = policy_values_cached(community_id=report.community_id, on=report.arrival_date)["key_areas"]
    return place_in_key_areas(report.from_place, list(areas))


def link_live(*, link: ReportLink | None, today: date) -> bool:
    return link is not None and link.revoked_at is None and (link.expires_on is None or link.expires_on >= today)


def link_get(*, actor: User, pk: int) -> ReportLink:
    """A personal link of a person in the actor's grids (a grid worker: their grid only)."""
    scope = scope_of(actor)
    link = ReportLink.objects.for_scope(scope).select_related("person", "community").filter(pk=pk).first()
    if link is None or not scope.covers_grid(link.person.community_id, link.person.grid_id):
        raise NotFound(_("No such link in your scope"))
    return link


def followup_link(*, person: Person, today: date) -> ReportLink | None:
    """The person's live self-report link, if any."""
    link = (ReportLink.objects.filter(person=person, kind=ReportLink.Kind.FOLLOWUP, revoked_at__isnull=True)
            .order_by("-id").first())
    return link if link_live(link=link, today=today) else None


def link_report_count(*, link: ReportLink) -> int:
    return link.reports.count()


def link_reports(*, link: ReportLink, limit: int = 10) -> list[ReturneeReport]:
    """The latest reports made through the holder's links of this kind (an earlier link's too)."""
    return list(ReturneeReport.objects.filter(link__person=link.person, link__kind=link.kind)
                .order_by("-reported_at", "-id")[:limit])


def landlord_homes(*, landlord: Person) -> list[tuple[int, str]]:
    """(household id, address) of every home the landlord lets or let: a home stays theirs between tenants."""
    seen: dict[int, str] = {}
    for t in Tenancy.objects.filter(landlord=landlord).select_related("household").order_by(
            "household__address", "household_id"):
        seen.setdefault(t.household_id, t.household.address)
    return list(seen.items())


def landlord_list(*, actor: User, q: str = "") -> QuerySet[Person]:
    """People in the actor's scope who let a home, by name or a home's address, with their tenant count."""
    people = (Person.objects.for_scope(scope_of(actor)).filter(purged_at__isnull=True)
              .filter(Exists(Tenancy.objects.filter(landlord=OuterRef("pk")))))
    if q:
        people = people.filter(Q(name__icontains=q) | Exists(Tenancy.objects.filter(
            landlord=OuterRef("pk"), household__address__icontains=q)))
    return people.annotate(tenant_count=Count("tenancies_as_landlord", filter=Q(
        tenancies_as_landlord__end_date__isnull=True), distinct=True)).order_by("community_id", "name", "id")


def landlords_with_links(*, landlords: Iterable[Person], today: date) -> list[Person]:
    """Each landlord with the addresses they let (`homes`) and their live link (`link`, else None)."""
    landlords = list(landlords)
    ids = [p.id for p in landlords]
    links = {lk.person_id: lk for lk in ReportLink.objects.filter(
        person_id__in=ids, kind=ReportLink.Kind.LANDLORD, revoked_at__isnull=True)}
    homes: dict[int, list[str]] = {}
    for landlord_id, address in (Tenancy.objects.filter(landlord_id__in=ids)
                                 .values_list("landlord_id", "household__address")
                                 .order_by("household__address").distinct()):
        homes.setdefault(landlord_id, []).append(address)
    for p in landlords:
        p.homes = homes.get(p.id, [])
        p.link = links.get(p.id) if link_live(link=links.get(p.id), today=today) else None
    return landlords


# --- sites ----------------------------------------------------------------------------------------------


def site_list(*, actor: User) -> QuerySet[Site]:
    """The centralised sites of the streets of the actor's communities, by street and name."""
    require(actor, Perm.VIEW_OBSERVATION)
    scope = scope_of(actor)
    sites = Site.objects.select_related("street").order_by("street__name", "name")
    if scope.is_all:
        return sites
    return sites.filter(street_id__in=Community.objects.for_scope(scope).values("street_id"))


def site_get(*, actor: User, pk: int) -> Site:
    site = site_list(actor=actor).filter(pk=pk).first()
    if site is None:
        raise NotFound("No such observation site")
    return site


def site_occupancy(*, actor: User) -> list[Site]:
    """The actor's sites, each with `occupied` (active observations), `free` places and `room_list`:
    (room, taken) for every room it has."""
    sites = list(site_list(actor=actor).annotate(occupied=Count("observations", filter=Q(
        observations__status=Observation.Status.ACTIVE))))
    taken: dict[int, set[str]] = {}
    for site_id, room in (Observation.objects.filter(site__in=[s.pk for s in sites],
                                                     status=Observation.Status.ACTIVE)
                          .exclude(room="").values_list("site_id", "room")):
        taken.setdefault(site_id, set()).add(room)
    for s in sites:
        s.free = max(0, s.capacity - s.occupied)
        s.room_list = [(r, r in taken.get(s.pk, set())) for r in s.rooms]
    return sites


def site_streets(*, actor: User) -> QuerySet[Street]:
    """The streets a site may be added to: a site serves a street, so those of the communities the actor
    covers as a whole."""
    scope = scope_of(actor)
    if scope.is_all:
        return Street.objects.order_by("code")
    return Street.objects.filter(communities__id__in=scope.community_ids).distinct().order_by("code")
