"""Observation pages: observations and their follow-ups, alerts, returnee reports and personal report
links, centralised sites; and the two public pages behind a personal link (no login): the landlord's or
resident's return report and the self-reported follow-up.

Views are thin: they parse a form, call one service of services.py or returnees.py and put its
FieldErrors back next to the field (422). Every read goes through `for_scope`; names and ID numbers are
masked in lists. Unknown, revoked and expired links all get the same 404 page.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.accounts.models import User
from fangkong.accounts.roles import PERMISSIONS, Perm, Role, role_can
from fangkong.accounts.scope import Scope, scope_of
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.health import Symptom
from fangkong.core.identifiers import mask_name, normalise_id_number
from fangkong.core.paging import page_of
from fangkong.core.params import int_param
from fangkong.observation import returnees
from fangkong.observation.forms import (
    AlertCloseForm,
    AlertFilterForm,
    ConfirmForm,
    EndForm,
    ExtendForm,
    FollowUpForm,
    LinkReportForm,
    ObservationFilterForm,
    ObservationStartForm,
    OfficeReportForm,
    RejectForm,
    ReportFilterForm,
    ResidentLinkForm,
    SelfFollowUpForm,
    SiteForm,
)
from fangkong.observation.models import Alert, FollowUp, Observation, ReportLink, ReturneeReport, Site
from fangkong.observation.services import (
    alert_acknowledge,
    alert_close,
    followup_record,
    missed_followups_sweep,
    observation_end,
    observation_extend,
    observation_start,
    site_create,
)
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.flags import person_flags
from fangkong.registry.models import Community, Household, Person, Street, Tenancy
from fangkong.registry.validation import ValidationErrors
from fangkong.screening.flags import place_in_key_areas

LANDLORDS_PER_PAGE = 30
_SYMPTOMS = dict(Symptom.choices)
# A person's current observation first, else their latest.
_ACTIVE_FIRST = Case(When(status=Observation.Status.ACTIVE, then=Value(0)), default=Value(1),
                     output_field=IntegerField())


# --- helpers --------------------------------------------------------------------------------------------


def _put_errors(form, exc: Exception, aliases: dict[str, str] | None = None) -> None:
    """A service's FieldError(s) next to the form field they name, else above the form."""
    for e in exc.errors if isinstance(exc, ValidationErrors) else [exc]:
        name = (aliases or {}).get(e.field, e.field)
        form.add_error(name if name in form.fields and not form.fields[name].widget.is_hidden else None, e.message)


def _next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def qr_svg(text: str) -> str:
    """The QR code of `text` as an inline, scalable SVG (error correction M, white quiet zone)."""
    svg = segno.make_qr(text, error="m", boost_error=False).svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None, light="#fff")
    return mark_safe(svg)  # noqa: S308 -- segno writes the markup; the text only becomes modules


def public_url(request, kind: str, token: str) -> str:
    """The absolute URL of a link's public page: the short path when fangkong/urls.py includes
    observation.public_urls, else the one under /observation/."""
    name = "self_followup" if kind == ReportLink.Kind.FOLLOWUP else "landlord_report"
    for namespace in ("observation_public", "observation"):
        try:
            return request.build_absolute_uri(reverse(f"{namespace}:{name}", args=[token]))
        except NoReverseMatch:
            continue
    raise NoReverseMatch(name)


def _link_perm(kind: str) -> Perm:
    return Perm.FOLLOW_UP if kind == ReportLink.Kind.FOLLOWUP else Perm.CONFIRM_RETURNEES


def _live(link: ReportLink | None, today: date) -> bool:
    return link is not None and link.revoked_at is None and (link.expires_on is None or link.expires_on >= today)


def _person_in_scope(scope: Scope, *, pk: int | None = None, id_number: str = "") -> Person | None:
    people = Person.objects.for_scope(scope).filter(purged_at__isnull=True).select_related("community", "household")
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


def _household_by_address(scope: Scope, community_id: int, text: str) -> Household | None:
    text = (text or "").strip()
    if not text:
        return None
    household = (Household.objects.for_scope(scope).filter(community_id=community_id, address=text)
                 .order_by("id").first())
    if household is None:
        raise FieldError("household", "not_found", _("No household with this address in the community"))
    return household


def _site_queryset(scope: Scope):
    sites = Site.objects.select_related("street")
    if scope.is_all:
        return sites
    return sites.filter(street_id__in=Community.objects.for_scope(scope).values("street_id"))


def _followup_users(scope: Scope):
    roles = [r for r in PERMISSIONS[Perm.FOLLOW_UP] if r != Role.ADMINISTRATOR]
    users = User.objects.filter(is_active=True, role__in=roles)
    if not scope.is_all:
        visible = scope.visible_community_ids
        users = users.filter(Q(scope_grants__community_id__in=visible) | Q(scope_grants__grid_id__in=scope.grid_ids)
                             | Q(scope_grants__grid__community_id__in=scope.community_ids)).distinct()
    return users.order_by("username")


def _progress(obs: Observation, today: date, done_today: int) -> None:
    """Day N of M (the days of observation run from the start to the day before release)."""
    obs.days_total = (obs.planned_end - obs.start).days
    obs.day_number = (today - obs.start).days + 1
    obs.not_started = today < obs.start
    obs.due_release = obs.status == Observation.Status.ACTIVE and today >= obs.planned_end
    obs.days_left = max(0, (obs.planned_end - today).days)
    obs.per_day = int(policy_values_cached(community_id=obs.community_id, on=today)["followups_per_day"])
    obs.done_today = done_today


def _done_today(ids: list[int], today: date) -> dict[int, int]:
    rows = (FollowUp.objects.filter(observation_id__in=ids, day=today).values("observation_id")
            .annotate(n=Count("slot", distinct=True)))
    return {r["observation_id"]: r["n"] for r in rows}


# --- observations ---------------------------------------------------------------------------------------


def _observation(request, pk: int) -> Observation:
    require(request.user, Perm.VIEW_OBSERVATION)
    obs = (Observation.objects.for_scope(scope_of(request.user))
           .select_related("person", "person__household", "site", "responsible", "community", "grid")
           .filter(pk=pk).first())
    if obs is None:
        raise NotFound(_("No such observation in your scope"))
    return obs


def _start_form(request, data=None) -> tuple[ObservationStartForm, Person | None]:
    scope = scope_of(request.user)
    person = None
    raw = (data or request.GET).get("person", "")
    if (pk := int_param(raw)) is not None:
        person = _person_in_scope(scope, pk=pk)
    form = ObservationStartForm(data, sites=_site_queryset(scope), users=_followup_users(scope),
                                initial={"person": person.pk} if person else {})
    return form, person


def _observation_list_page(request, *, start_form=None, start_person=None, status=200):
    scope = scope_of(request.user)
    filters = ObservationFilterForm(request.GET or None)
    v = filters.values()
    today = local_today()
    rows = Observation.objects.for_scope(scope).select_related("person", "site", "responsible")
    if v["status"] != ObservationFilterForm.ALL:
        rows = rows.filter(status=v["status"])
    if v["kind"]:
        rows = rows.filter(kind=v["kind"])
    if v["due"]:
        rows = rows.filter(status=Observation.Status.ACTIVE, planned_end__lte=today)
    if v["status"] == Observation.Status.ACTIVE:
        rows = rows.order_by("planned_end", "id")
    page = page_of(request, rows)
    ids = [o.id for o in page]
    done = _done_today(ids, today)
    flags = person_flags(o.person_id for o in page)
    for o in page:
        _progress(o, today, done.get(o.id, 0))
        o.person_masked = mask_name(o.person.name)
        o.flags = flags.get(o.person_id, [])
    can_manage = role_can(request.user.role, Perm.MANAGE_OBSERVATION)
    if can_manage and start_form is None:
        start_form, start_person = _start_form(request)
    if start_person is not None:
        start_person.name_masked = mask_name(start_person.name)
    template = "observation/_observation_rows.html" if request.htmx and request.method == "GET" \
        else "observation/observation_list.html"
    return render(request, template, {
        "filters": filters, "page": page, "today": today, "can_manage": can_manage,
        "start_form": start_form if can_manage else None, "start_person": start_person,
    }, status=status)


@login_required
def observation_list(request):
    require(request.user, Perm.VIEW_OBSERVATION)
    if request.method != "POST":
        return _observation_list_page(request)
    require(request.user, Perm.MANAGE_OBSERVATION)
    form, person = _start_form(request, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        scope = scope_of(request.user)
        person = _person_in_scope(scope, pk=d["person"]) if d["person"] else \
            _person_in_scope(scope, id_number=d["id_number"])
        if person is None:
            form.add_error("id_number", _("No such person in your scope"))
        else:
            try:
                obs = observation_start(actor=request.user, person=person, kind=d["kind"], start=d["start"],
                                        site=d["site"], room=d["room"], responsible=d["responsible"],
                                        reason=d["reason"])
            except (FieldError, ValidationErrors) as exc:
                _put_errors(form, exc, {"person": "id_number", "status": "kind"})
            else:
                messages.success(request, _("Observation started: %(name)s, until %(day)s.") % {
                    "name": mask_name(person.name), "day": obs.planned_end.isoformat()})
                return redirect("observation:observation_detail", pk=obs.pk)
    return _observation_list_page(request, start_form=form, start_person=person, status=422)


def _detail_page(request, obs: Observation, *, status: int = 200, **forms):
    user, today = request.user, local_today()
    active = obs.status == Observation.Status.ACTIVE
    done = _done_today([obs.id], today)
    _progress(obs, today, done.get(obs.id, 0))
    followups = list(obs.followups.select_related("recorded_by")[:200])
    for f in followups:
        f.symptom_labels = [_SYMPTOMS.get(s, s) for s in f.symptoms]
    can_follow = role_can(user.role, Perm.FOLLOW_UP)
    can_manage = role_can(user.role, Perm.MANAGE_OBSERVATION)
    link = link_url = link_qr = None
    if can_follow:
        link = (ReportLink.objects.filter(person=obs.person, kind=ReportLink.Kind.FOLLOWUP, revoked_at__isnull=True)
                .order_by("-id").first())
        if _live(link, today):
            link_url = public_url(request, link.kind, returnees.link_token(actor=request.user, link=link))
            link_qr = qr_svg(link_url)
        else:
            link = None
    end_initial = Observation.Status.COMPLETED if obs.due_release else Observation.Status.ENDED_EARLY
    report = ReturneeReport.objects.filter(observation=obs).first()
    return render(request, "observation/observation_detail.html", {
        "obs": obs, "person_masked": mask_name(obs.person.name), "flags": person_flags([obs.person_id]).get(
            obs.person_id, []),
        "followups": followups, "extensions": list(obs.extensions.select_related("by").order_by("at")),
        "alerts": list(obs.alerts.select_related("responsible", "closed_by")[:50]), "report": report,
        "policy": policy_values_cached(community_id=obs.community_id, on=today),
        "can_follow": can_follow and active, "can_manage": can_manage and active, "can_link": can_follow and active,
        "can_view_people": role_can(user.role, Perm.VIEW_REGISTRY),
        "followup_form": forms.get("followup_form") or FollowUpForm(initial={"client_id": uuid.uuid4()}),
        "extend_form": forms.get("extend_form") or ExtendForm(initial={"new_end": obs.planned_end + timedelta(days=7)}),
        "end_form": forms.get("end_form") or EndForm(initial={"status": end_initial}),
        "link": link, "link_url": link_url, "link_qr": link_qr,
    }, status=status)


@login_required
@require_GET
def observation_detail(request, pk: int):
    return _detail_page(request, _observation(request, pk))


@login_required
@require_POST
def observation_followup(request, pk: int):
    obs = _observation(request, pk)
    require(request.user, Perm.FOLLOW_UP)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            fu = followup_record(actor=request.user, obs=obs, temperature=d["temperature"], symptoms=d["symptoms"],
                                 client_id=f"web:{request.user.pk}:{d['client_id']}" if d["client_id"] else None)
        except (FieldError, ValidationErrors) as exc:
            _put_errors(form, exc)
        else:
            if fu.fever:
                messages.warning(request, _("%(t)s °C is a fever: an alert is open for the responsible worker.")
                                 % {"t": fu.temperature})
            else:
                messages.success(request, _("Follow-up recorded: %(t)s °C.") % {"t": fu.temperature})
            return redirect("observation:observation_detail", pk=obs.pk)
    return _detail_page(request, obs, followup_form=form, status=422)


@login_required
@require_POST
def observation_extend_view(request, pk: int):
    obs = _observation(request, pk)
    require(request.user, Perm.MANAGE_OBSERVATION)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            obs = observation_extend(actor=request.user, obs=obs, new_end=form.cleaned_data["new_end"],
                                     reason=form.cleaned_data["reason"])
        except (FieldError, ValidationErrors) as exc:
            _put_errors(form, exc, {"planned_end": "new_end"})
        else:
            messages.success(request, _("Observation extended until %(day)s.") % {"day": obs.planned_end.isoformat()})
            return redirect("observation:observation_detail", pk=obs.pk)
    return _detail_page(request, obs, extend_form=form, status=422)


@login_required
@require_POST
def observation_end_view(request, pk: int):
    obs = _observation(request, pk)
    require(request.user, Perm.MANAGE_OBSERVATION)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            obs = observation_end(actor=request.user, obs=obs, status=form.cleaned_data["status"],
                                  reason=form.cleaned_data["reason"])
        except (FieldError, ValidationErrors) as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("Observation ended: %(status)s.") % {"status": obs.get_status_display()})
            return redirect("observation:observation_detail", pk=obs.pk)
    return _detail_page(request, obs, end_form=form, status=422)


@login_required
@require_POST
def observation_link(request, pk: int):
    """Issue (or renew) the self-report link of the person under observation."""
    obs = _observation(request, pk)
    try:
        returnees.link_issue(actor=request.user, person=obs.person, kind=ReportLink.Kind.FOLLOWUP)
    except FieldError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A new self-report link is ready; any earlier one no longer works."))
    return redirect(reverse("observation:observation_detail", args=[obs.pk]) + "#self-report")


# --- alerts ---------------------------------------------------------------------------------------------


def _sweep(scope: Scope) -> None:
    """Missed follow-ups become alerts here too, so the page is current without the worker (idempotent)."""
    missed_followups_sweep(community_ids=None if scope.is_all else sorted(scope.visible_community_ids))


def _alert_page(request, *, close_forms: dict | None = None, status: int = 200):
    user = request.user
    scope = scope_of(user)
    _sweep(scope)
    filters = AlertFilterForm(request.GET or None)
    v = filters.values()
    alerts = Alert.objects.for_scope(scope).select_related(
        "person", "observation", "responsible", "acknowledged_by", "closed_by")
    if v["status"] == AlertFilterForm.OPEN:
        alerts = alerts.filter(status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED])
    elif v["status"] == AlertFilterForm.CLOSED:
        alerts = alerts.filter(status=Alert.Status.CLOSED)
    if v["kind"]:
        alerts = alerts.filter(kind=v["kind"])
    if v["mine"]:
        alerts = alerts.filter(responsible=user)
    page = page_of(request, alerts)
    can_act = role_can(user.role, Perm.FOLLOW_UP)
    for a in page:
        a.person_masked = mask_name(a.person.name)
        a.can_act = can_act and a.status != Alert.Status.CLOSED and scope.covers_grid(a.community_id, a.grid_id)
        a.close_form = (close_forms or {}).get(a.pk) or AlertCloseForm(auto_id=f"id_alert{a.pk}_%s")
    return render(request, "observation/alert_list.html", {
        "filters": filters, "page": page, "open_count": Alert.objects.for_scope(scope).filter(
            status=Alert.Status.OPEN).count(),
    }, status=status)


@login_required
@require_GET
def alert_list(request):
    require(request.user, Perm.VIEW_OBSERVATION)
    return _alert_page(request)


def _alert(request, pk: int) -> Alert:
    require(request.user, Perm.VIEW_OBSERVATION)
    alert = Alert.objects.for_scope(scope_of(request.user)).select_related("person").filter(pk=pk).first()
    if alert is None:
        raise NotFound(_("No such alert in your scope"))
    return alert


@login_required
@require_POST
def alert_acknowledge_view(request, pk: int):
    alert = alert_acknowledge(actor=request.user, alert=_alert(request, pk))
    messages.success(request, _("Alert acknowledged: %(name)s.") % {"name": mask_name(alert.person.name)})
    return redirect(_next(request, reverse("observation:alert_list")))


@login_required
@require_POST
def alert_close_view(request, pk: int):
    alert = _alert(request, pk)
    form = AlertCloseForm(request.POST, auto_id=f"id_alert{alert.pk}_%s")
    if form.is_valid():
        try:
            alert_close(actor=request.user, alert=alert, action=form.cleaned_data["action"])
        except (FieldError, ValidationErrors) as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("Alert closed: %(name)s.") % {"name": mask_name(alert.person.name)})
            return redirect(_next(request, reverse("observation:alert_list")))
    return _alert_page(request, close_forms={alert.pk: form}, status=422)


# --- returnees and links --------------------------------------------------------------------------------


def _office_communities(scope: Scope) -> list[Community]:
    return [c for c in Community.objects.for_scope(scope).order_by("code") if scope.covers_whole_community(c.id)]


def _landlords(request, scope: Scope):
    q = request.GET.get("q", "").strip()[:64]
    people = (Person.objects.for_scope(scope).filter(purged_at__isnull=True)
              .filter(Exists(Tenancy.objects.filter(landlord=OuterRef("pk")))))
    if q:
        people = people.filter(Q(name__icontains=q) | Exists(Tenancy.objects.filter(
            landlord=OuterRef("pk"), household__address__icontains=q)))
    people = people.annotate(tenant_count=Count("tenancies_as_landlord", filter=Q(
        tenancies_as_landlord__end_date__isnull=True), distinct=True)).order_by("community_id", "name", "id")
    page = Paginator(people, LANDLORDS_PER_PAGE).get_page(request.GET.get("lpage"))
    ids = [p.id for p in page]
    links = {lk.person_id: lk for lk in ReportLink.objects.filter(
        person_id__in=ids, kind=ReportLink.Kind.LANDLORD, revoked_at__isnull=True)}
    homes: dict[int, list[str]] = {}
    for landlord_id, address in (Tenancy.objects.filter(landlord_id__in=ids).values_list("landlord_id",
                                                                                         "household__address")
                                 .order_by("household__address").distinct()):
        homes.setdefault(landlord_id, []).append(address)
    today = local_today()
    for p in page:
        p.name_masked = mask_name(p.name)
        p.homes = homes.get(p.id, [])
        p.link = links.get(p.id) if _live(links.get(p.id), today) else None
    return page, q


def _returnee_page(request, *, office_form=None, resident_form=None, rows: dict | None = None, status: int = 200):
    user = request.user
    scope = scope_of(user)
    filters = ReportFilterForm(request.GET or None)
    state = filters.value()
    reports = (ReturneeReport.objects.for_scope(scope).filter(status=state)
               .select_related("household", "person", "link__person", "observation", "decided_by"))
    if state == ReturneeReport.Status.PENDING:
        reports = reports.order_by("arrival_date", "id")
    page = page_of(request, reports)
    can_confirm = role_can(user.role, Perm.CONFIRM_RETURNEES)
    today = local_today()
    flags = person_flags(r.person_id for r in page if r.person_id)
    for r in page:
        policy = policy_values_cached(community_id=r.community_id, on=r.arrival_date)
        r.key_area = place_in_key_areas(r.from_place, list(policy["key_areas"]))
        r.will_observe = returnees.starts_observation(r)
        r.name_masked = mask_name(r.name)
        r.not_arrived = r.arrival_date > today
        r.flags = flags.get(r.person_id, [])
        r.reporter_masked = mask_name(r.link.person.name) if r.link_id and r.link.person_id else ""
        r.needs_household = r.person_id is None and r.household_id is None
        r.can_decide = (can_confirm and r.status == ReturneeReport.Status.PENDING
                        and scope.covers_whole_community(r.community_id))
        forms = (rows or {}).get(r.pk, {})
        r.confirm_form = forms.get("confirm") or ConfirmForm(auto_id=f"id_confirm{r.pk}_%s")
        r.reject_form = forms.get("reject") or RejectForm(auto_id=f"id_reject{r.pk}_%s")
    context = {"filters": filters, "state": state, "page": page, "can_confirm": can_confirm}
    if can_confirm:
        communities = _office_communities(scope)
        landlords, q = _landlords(request, scope)
        context.update(
            office_form=office_form or OfficeReportForm(communities=communities),
            resident_form=resident_form or ResidentLinkForm(),
            landlords=landlords, q=q, multi_community=len(communities) > 1,
        )
    return render(request, "observation/returnee_list.html", context, status=status)


@login_required
def returnee_list(request):
    """GET: the reports and landlords. POST: the office enters a report (by phone, at the desk)."""
    require(request.user, Perm.VIEW_OBSERVATION)
    if request.method != "POST":
        return _returnee_page(request)
    require(request.user, Perm.CONFIRM_RETURNEES)
    scope = scope_of(request.user)
    communities = _office_communities(scope)
    form = OfficeReportForm(request.POST, communities=communities)
    if form.is_valid():
        d = form.cleaned_data
        community = next(c for c in communities if c.id == d["community"])
        try:
            household = _household_by_address(scope, community.id, d["household"])
            report = returnees.report_by_office(actor=request.user, community=community, data=returnees.ReportData(
                from_place=d["from_place"], arrival_date=d["arrival_date"], transport=d["transport"],
                address=d["address"], name=d["name"], id_number=d["id_number"], phone=d["phone"],
                household_id=household.pk if household else None))
        except (FieldError, ValidationErrors) as exc:
            _put_errors(form, exc, {"person": "id_number"})
        else:
            messages.success(request, _("Report entered: %(name)s, awaiting confirmation.")
                             % {"name": mask_name(report.name)})
            return redirect("observation:returnee_list")
    return _returnee_page(request, office_form=form, status=422)


def _report(request, pk: int) -> ReturneeReport:
    require(request.user, Perm.CONFIRM_RETURNEES)
    report = ReturneeReport.objects.for_scope(scope_of(request.user)).filter(pk=pk).first()
    if report is None:
        raise NotFound(_("No such report in your scope"))
    return report


@login_required
@require_POST
def returnee_confirm(request, pk: int):
    report = _report(request, pk)
    form = ConfirmForm(request.POST, auto_id=f"id_confirm{report.pk}_%s")
    if form.is_valid():
        try:
            household = _household_by_address(scope_of(request.user), report.community_id,
                                              form.cleaned_data["household"])
            report = returnees.report_confirm(actor=request.user, report=report, household=household)
        except (FieldError, ValidationErrors) as exc:
            _put_errors(form, exc)
        else:
            text = _("Confirmed: %(name)s.") % {"name": mask_name(report.name)}
            if report.observation_id:
                text += " " + _("Home observation until %(day)s.") % {"day": report.observation.planned_end.isoformat()}
            messages.success(request, text)
            return redirect(_next(request, reverse("observation:returnee_list")))
    return _returnee_page(request, rows={report.pk: {"confirm": form}}, status=422)


@login_required
@require_POST
def returnee_reject(request, pk: int):
    report = _report(request, pk)
    form = RejectForm(request.POST, auto_id=f"id_reject{report.pk}_%s")
    if form.is_valid():
        try:
            returnees.report_reject(actor=request.user, report=report, reason=form.cleaned_data["reason"])
        except (FieldError, ValidationErrors) as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("Rejected: %(name)s.") % {"name": mask_name(report.name)})
            return redirect(_next(request, reverse("observation:returnee_list")))
    return _returnee_page(request, rows={report.pk: {"reject": form}}, status=422)


@login_required
@require_GET
def household_options(request):
    """Addresses matching what was typed, for the household fields' lists."""
    require(request.user, Perm.CONFIRM_RETURNEES)
    q = request.GET.get("household", "").strip()[:100]
    addresses = []
    if len(q) >= 2:
        households = Household.objects.for_scope(scope_of(request.user)).filter(address__icontains=q)
        community = request.GET.get("community", "")
        if (community_id := int_param(community)) is not None:
            households = households.filter(community_id=community_id)
        addresses = list(households.order_by("address").values_list("address", flat=True).distinct()[:12])
    return render(request, "observation/_household_options.html", {"addresses": addresses})


@login_required
@require_POST
def link_issue_view(request):
    """A landlord's link (from the landlords list) or a resident's (by ID number)."""
    require(request.user, Perm.CONFIRM_RETURNEES)
    kind = request.POST.get("kind", "")
    if kind not in (ReportLink.Kind.LANDLORD, ReportLink.Kind.RESIDENT):
        raise NotFound(_("Unknown kind of link"))
    scope = scope_of(request.user)
    form = None
    if kind == ReportLink.Kind.RESIDENT:
        form = ResidentLinkForm(request.POST)
        person = _person_in_scope(scope, id_number=request.POST.get("id_number", "")) if form.is_valid() else None
        if form.is_valid() and person is None:
            form.add_error("id_number", _("No such person in your scope"))
    else:
        raw = request.POST.get("person", "")
        pk = int_param(raw)
        person = _person_in_scope(scope, pk=pk) if pk is not None else None
        if person is None:
            raise NotFound(_("No such person in your scope"))
    if person is not None:
        try:
            link, _token = returnees.link_issue(actor=request.user, person=person, kind=kind)
        except FieldError as exc:
            if form is None:
                messages.error(request, exc.message)
                return redirect("observation:returnee_list")
            _put_errors(form, exc, {"person": "id_number"})
        else:
            return redirect("observation:link_detail", pk=link.pk)
    return _returnee_page(request, resident_form=form, status=422)


def _link(request, pk: int) -> ReportLink:
    scope = scope_of(request.user)
    link = ReportLink.objects.for_scope(scope).select_related("person", "community").filter(pk=pk).first()
    if link is None or not scope.covers_grid(link.person.community_id, link.person.grid_id):
        raise NotFound(_("No such link in your scope"))
    require(request.user, _link_perm(link.kind))
    return link


@login_required
@require_GET
def link_detail(request, pk: int):
    """The link's URL and QR code, on a page that prints as a card for the landlord or resident."""
    link = _link(request, pk)
    today = local_today()
    live = _live(link, today)
    url = public_url(request, link.kind, returnees.link_token(actor=request.user, link=link)) if live else ""
    return render(request, "observation/link_detail.html", {
        "link": link, "live": live, "url": url, "qr": qr_svg(url) if live else "",
        "holder_masked": mask_name(link.person.name), "reports": link.reports.count(),
        "work_resumption": _work_resumption(link.community_id, today),
        "per_day": policy_values_cached(community_id=link.community_id, on=today)["followups_per_day"],
    })


@login_required
@require_POST
def link_revoke_view(request, pk: int):
    link = _link(request, pk)
    returnees.link_revoke(actor=request.user, link=link)
    messages.success(request, _("The link no longer works."))
    default = reverse("observation:link_detail", args=[link.pk])
    return redirect(_next(request, default))


# --- sites ----------------------------------------------------------------------------------------------


@login_required
def site_list(request):
    require(request.user, Perm.VIEW_OBSERVATION)
    scope = scope_of(request.user)
    can_manage = role_can(request.user.role, Perm.MANAGE_OBSERVATION)
    # A site serves a street: the streets of the communities the user manages as a whole.
    streets = Street.objects.order_by("code") if scope.is_all else \
        Street.objects.filter(communities__id__in=scope.community_ids).distinct().order_by("code")
    form = SiteForm(request.POST or None, streets=streets) if can_manage else None
    status = 200
    if request.method == "POST":
        require(request.user, Perm.MANAGE_OBSERVATION)
        if form.is_valid():
            d = form.cleaned_data
            try:
                site = site_create(actor=request.user, street=d["street"], name=d["name"], capacity=d["capacity"],
                                   address=d["address"], rooms=d["rooms"])
            except (FieldError, ValidationErrors) as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("Site added: %(name)s.") % {"name": site.name})
                return redirect("observation:site_list")
        status = 422
    sites = list(_site_queryset(scope).annotate(occupied=Count("observations", filter=Q(
        observations__status=Observation.Status.ACTIVE))).order_by("street__name", "name"))
    taken: dict[int, set[str]] = {}
    for site_id, room in Observation.objects.filter(site__in=[s.pk for s in sites], status=Observation.Status.ACTIVE
                                                    ).exclude(room="").values_list("site_id", "room"):
        taken.setdefault(site_id, set()).add(room)
    for s in sites:
        s.free = max(0, s.capacity - s.occupied)
        s.room_list = [(r, r in taken.get(s.pk, set())) for r in s.rooms]
    return render(request, "observation/site_list.html", {"sites": sites, "form": form}, status=status)


# --- the public pages behind a personal link ------------------------------------------------------------


def _public(view):
    """No login; the token in the path is the key: keep it out of referrers, caches and search engines."""

    @wraps(view)
    def wrapped(request, token: str):
        response = view(request, token)
        response["Referrer-Policy"] = "same-origin"
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _gone(request):
    """Unknown, revoked, expired or the wrong kind: one page that says nothing about which."""
    return render(request, "observation/public_gone.html", status=404)


def _work_resumption(community_id: int, today: date) -> date | None:
    raw = policy_values_cached(community_id=community_id, on=today).get("work_resumption_date")
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


@_public
def landlord_report(request, token: str):
    link = returnees.link_resolve(token)
    if link is None or link.kind not in (ReportLink.Kind.LANDLORD, ReportLink.Kind.RESIDENT):
        return _gone(request)
    landlord = link.kind == ReportLink.Kind.LANDLORD
    today = local_today()
    tenants = homes = None
    if landlord:
        tenancies = list(returnees.landlord_tenancies(link))
        tenants = [(str(t.tenant_id), f"{mask_name(t.tenant.name)} · {t.household.address}") for t in tenancies]
        seen: dict[int, str] = {}
        for t in Tenancy.objects.filter(landlord=link.person).select_related("household").order_by(
                "household__address", "household_id"):
            seen.setdefault(t.household_id, t.household.address)
        homes = list(seen.items())
    form = LinkReportForm(request.POST or None, tenants=tenants, homes=homes)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            if not landlord:
                data = returnees.ReportData(from_place=d["from_place"], arrival_date=d["arrival_date"],
                                            transport=d["transport"], address=d["address"], person_id=link.person_id)
            elif d["tenant"] == LinkReportForm.NEW:
                data = returnees.ReportData(from_place=d["from_place"], arrival_date=d["arrival_date"],
                                            transport=d["transport"], address=d["address"], name=d["name"],
                                            id_number=d["id_number"], phone=d["phone"], household_id=d["household"])
            else:
                data = returnees.ReportData(from_place=d["from_place"], arrival_date=d["arrival_date"],
                                            transport=d["transport"], address=d["address"],
                                            person_id=int(d["tenant"]))
            try:
                returnees.report_by_link(link=link, data=data)
            except (FieldError, ValidationErrors) as exc:
                _put_errors(form, exc, {"person": "tenant"})
            else:
                return redirect(request.path + "?sent=1")
        status = 422
    reports = list(ReturneeReport.objects.filter(link__person=link.person, link__kind=link.kind)
                   .order_by("-reported_at", "-id")[:10])
    for r in reports:
        r.name_masked = mask_name(r.name)
    return render(request, "observation/landlord_report.html", {
        "link": link, "landlord": landlord, "community": link.community, "holder_masked": mask_name(link.person.name),
        "work_resumption": _work_resumption(link.community_id, today), "today": today, "form": form,
        "tenant_count": len(tenants or []), "reports": reports, "sent": request.GET.get("sent") == "1",
    }, status=status)


@_public
def self_followup(request, token: str):
    link = returnees.link_resolve(token, kind=ReportLink.Kind.FOLLOWUP)
    if link is None:
        return _gone(request)
    today = local_today()
    obs = (Observation.objects.filter(person=link.person).select_related("person")
           .order_by(_ACTIVE_FIRST, "-start", "-id").first())
    form = SelfFollowUpForm(request.POST or None, initial={"client_id": uuid.uuid4()})
    status = 200
    if request.method == "POST":
        if obs is None:
            form.add_error(None, _("You are not under observation: there is nothing to report."))
        elif form.is_valid():
            d = form.cleaned_data
            try:
                fu = followup_record(actor=None, obs=obs, temperature=d["temperature"], symptoms=d["symptoms"],
                                     source=FollowUp.Source.SELF, via="link",
                                     client_id=f"self:{link.pk}:{d['client_id']}" if d["client_id"] else None)
            except (FieldError, ValidationErrors) as exc:
                _put_errors(form, exc)
            else:
                return redirect(f"{request.path}?done={fu.pk}")
        status = 422
    done = entries = None
    open_ = False
    if obs is not None:
        _progress(obs, today, 0)
        open_ = obs.status == Observation.Status.ACTIVE and obs.start <= today <= obs.planned_end
        entries = list(obs.followups.all()[:6])
        for f in entries:
            f.symptom_labels = [_SYMPTOMS.get(s, s) for s in f.symptoms]
        raw = request.GET.get("done", "")
        done = next((f for f in entries if str(f.pk) == raw), None) if raw.isdigit() else None
    return render(request, "observation/self_followup.html", {
        "obs": obs, "open": open_, "form": form, "entries": entries, "done": done, "today": today,
        "holder_masked": mask_name(link.person.name), "community": link.community,
    }, status=status)
