"""What the command post shows: the part of the district asked for (within the user's scope) and the
attention list. The charts' numbers are in `figures`; page and API read both through `dashboard_get`.

Scope: a grid worker sees their grid(s) (gate figures are the community's: gates serve the whole
community), a community user the community, a street office its communities side by side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import Code, FieldError, NotFound
from fangkong.dashboard import figures
from fangkong.dashboard.area import Area
from fangkong.helpdesk.selectors import requests_overdue
from fangkong.meetings.selectors import actions_due
from fangkong.observation.models import Alert, FollowUp, Observation
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.models import Community, Street
from fangkong.reports.models import DailyReport
from fangkong.reports.period import report_period
from fangkong.sanitation.selectors import areas_overdue
from fangkong.shops.selectors import price_alerts_open
from fangkong.supplies.selectors import low_stock
from fangkong.verification.models import VerificationRow

LIVE_ALERT = (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED)


@dataclass(frozen=True)
class AttentionItem:
    key: str
    label: str
    count: int
    detail: str = ""
    url: str = ""
    urgent: bool = False


def local_bounds(day: date) -> tuple[datetime, datetime]:
    """[00:00, 24:00) of `day` in Asia/Shanghai, as aware instants."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def dashboard_area(*, actor: User, community: str = "", street: str = "") -> Area:
    """The part of the actor's scope asked for: a community, a street's communities, or all of the scope.
    Outside the scope → NotFound; a community and a street at once → a field error."""
    require(actor, Perm.VIEW_DASHBOARD)
    if community and street:
        raise FieldError("street", Code.INVALID, _("Ask for a community or a street, not both"))
    scope = scope_of(actor)
    qs = Community.objects.select_related("street").order_by("code")
    if not scope.is_all:
        qs = qs.filter(id__in=scope.visible_community_ids)
    grid_ids = None
    if not scope.is_all and scope.grid_ids:
        # A grid worker (grants on grids only): their grids; whole communities granted stay whole.
        grid_ids = frozenset(scope.grid_ids)
    the_street = None
    if community:
        qs = qs.filter(code=community)
    elif street:
        the_street = Street.objects.filter(code=street).first()
        if the_street is None:
            raise NotFound(_("No such street"))
        qs = qs.filter(street=the_street)
    communities = list(qs)
    if (community or street) and not communities:
        raise NotFound(_("No such community") if community else _("No such street"))
    if grid_ids is not None and any(scope.covers_whole_community(c.id) for c in communities):
        grid_ids = None if all(scope.covers_whole_community(c.id) for c in communities) else grid_ids
    if the_street is None and communities and len({c.street_id for c in communities}) == 1 and len(communities) > 1:
        the_street = communities[0].street
    return Area(communities=communities, grid_ids=grid_ids, street=the_street)


def _link(actor: User, perm: Perm, name: str, query: str = "") -> str:
    if not role_can(actor.role, perm):
        return ""
    try:
        url = reverse(name)
    except NoReverseMatch:  # a page of an app not mounted (yet): the item stays, without a link
        return ""
    return url + (f"?{query}" if query else "")


def attention(*, actor: User, area: Area, day: date, coverage: dict) -> list[AttentionItem]:
    """What needs attention on `day`, first on the page; each item links to the list behind it when the
    actor may open that list. Counts only, a fixed number of queries whatever the size of the area."""
    ids = area.ids
    end = local_bounds(day)[1]
    items: list[AttentionItem] = []
    alerts = Alert.objects.filter(area.grid_q()).aggregate(
        open=Count("id", filter=Q(status__in=LIVE_ALERT)),
        missed=Count("id", filter=Q(kind=Alert.Kind.MISSED_FOLLOWUP, day=day)))
    items.append(AttentionItem("open_alerts", _("Open alerts"), alerts["open"],
                               url=_link(actor, Perm.VIEW_OBSERVATION, "observation:alert_list"),
                               urgent=alerts["open"] > 0))
    # Under observation on the day (started, not ended by its end), and those whose observation ends that day.
    observed = Observation.objects.filter(area.grid_q(), start__lte=day).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=end))
    per_community = dict(observed.order_by().values_list("community_id").annotate(n=Count("id")))
    ending = observed.filter(planned_end=day).count() if per_community else 0
    due = sum(n * int(policy_values_cached(community_id=cid, on=day).get("followups_per_day", 2))
              for cid, n in per_community.items())
    done = FollowUp.objects.filter(day=day, observation__in=observed).count() if per_community else 0
    items.append(AttentionItem("followups_due", _("Follow-ups still due today"), max(due - done, 0),
                               detail=_("%(done)s of %(due)s done") % {"done": done, "due": due},
                               url=_link(actor, Perm.VIEW_OBSERVATION, "observation:observation_list", "due=1")))
    items.append(AttentionItem("followups_missed", _("Follow-ups missed today"), alerts["missed"],
                               url=_link(actor, Perm.VIEW_OBSERVATION, "observation:alert_list",
                                         "kind=missed_followup"), urgent=alerts["missed"] > 0))
    items.append(AttentionItem("observations_ending", _("Observations ending today"), ending,
                               url=_link(actor, Perm.VIEW_OBSERVATION, "observation:observation_list")))
    total = coverage["total"]
    items.append(AttentionItem(
        "coverage_missing", _("Households not yet seen in the open screening round"),
        total["households"] - total["seen"],
        detail=_("%(seen)s of %(total)s households seen (%(percent)s%%)") % {
            "seen": total["seen"], "total": total["households"], "percent": total["percent"]},
        url=_link(actor, Perm.VIEW_SCREENING, "screening:round_list")))
    items.append(_report_item(actor, area, day))
    actions = actions_due(community_ids=ids, day=day)
    overdue = sum(a["overdue"] for a in actions.values())
    due_today = sum(a["due_today"] for a in actions.values())
    items.append(AttentionItem("actions_due", _("Action items due today or overdue"), due_today + overdue,
                               detail=_("%(overdue)s overdue, %(today)s due today") % {
                                   "overdue": overdue, "today": due_today},
                               url=_link(actor, Perm.VIEW_MEETINGS, "meetings:actions"), urgent=overdue > 0))
    unchecked = VerificationRow.objects.filter(community_id__in=ids, outcome="").count()
    items.append(AttentionItem("verification_unchecked", _("Pushed-down rows still to check"), unchecked,
                               url=_link(actor, Perm.VIEW_VERIFICATION, "verification:rows")))
    # Community life: residents waiting for a first answer, areas due for disinfection, supplies running
    # low, prices above their baseline.
    waiting = requests_overdue(community_ids=ids)
    items.append(AttentionItem("requests_overdue", _("Residents' requests waiting past their answer time"),
                               waiting, url=_link(actor, Perm.VIEW_REQUESTS, "helpdesk:list", "overdue=1"),
                               urgent=waiting > 0))
    areas = sum(areas_overdue(community_ids=ids, at=min(end, timezone.now())).values())
    items.append(AttentionItem("areas_overdue", _("Public areas overdue for disinfection"), areas,
                               url=_link(actor, Perm.VIEW_SANITATION, "sanitation:area_list"), urgent=areas > 0))
    items.append(AttentionItem("low_stock", _("Supplies running low"), low_stock(community_ids=ids),
                               url=_link(actor, Perm.VIEW_SUPPLIES, "supplies:index")))
    items.append(AttentionItem("price_alerts", _("Price alerts open"), price_alerts_open(community_ids=ids),
                               url=_link(actor, Perm.VIEW_SHOPS, "shops:alert_list")))
    return items


def _report_item(actor: User, area: Area, day: date) -> AttentionItem:
    """Today's daily report: a community's state and deadline; a street's communities not yet submitted."""
    submitted = dict(DailyReport.objects.filter(community_id__in=area.ids, date=day,
                                                status=DailyReport.Status.SUBMITTED)
                     .values_list("community_id", "late"))
    missing = len(area.ids) - len(submitted)
    deadline = report_period(community=area.communities[0], day=day).deadline if area.communities else None
    due = timezone.localtime(deadline).strftime("%m-%d %H:%M") if deadline else ""
    if area.side_by_side:
        url = _link(actor, Perm.VIEW_REPORTS, "reports:street", f"day={day.isoformat()}")
        detail = _("%(missing)s of %(n)s communities not submitted, due %(due)s") % {
            "missing": missing, "n": len(area.ids), "due": due}
    else:
        code = area.communities[0].code if area.communities else ""
        url = _link(actor, Perm.VIEW_REPORTS, "reports:daily", f"community={code}&day={day.isoformat()}")
        detail = (_("submitted") if not missing else _("not submitted, due %(due)s") % {"due": due})
    late = deadline is not None and timezone.now() > deadline and missing > 0
    return AttentionItem("daily_report", _("Daily reports not submitted"), missing, detail=detail, url=url,
                         urgent=late)


@dataclass(frozen=True)
class Dashboard:
    area: Area
    day: date
    attention: list[AttentionItem]
    charts: dict


def dashboard_get(*, actor: User, day: date, community: str = "", street: str = "") -> Dashboard:
    """The page's and the API's one read: the area, the attention list and every chart's numbers."""
    area = dashboard_area(actor=actor, community=community, street=street)
    charts = figures.charts(area=area, day=day)
    return Dashboard(area=area, day=day, attention=attention(actor=actor, area=area, day=day,
                                                             coverage=charts["coverage"]), charts=charts)
