"""Pages of the meetings app: the day's two briefings (一日两会) with minutes and action items, the open
action items, other meetings with attendance, the absent landlords to follow up, the plans in versions.
Forms post back and redirect; the action items' forms also swap their list in place with htmx."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError, NotFound, PermissionDenied
from fangkong.core.forms import form_add_domain_error, form_error_messages
from fangkong.core.redirects import next_url
from fangkong.meetings import selectors, services
from fangkong.meetings.forms import (
    ActionForm,
    DayForm,
    FollowUpForm,
    MeetingForm,
    MeetingNotesForm,
    MinutesForm,
    PlanVersionForm,
)
from fangkong.meetings.labels import FACTS, REPORT_STATES
from fangkong.meetings.models import Briefing, Plan
from fangkong.registry.selectors import community_get, community_list

GET = ("GET", "HEAD")


def _briefings_url(code: str, day: date) -> str:
    return f"{reverse('meetings:briefings')}?community={code}&day={day.isoformat()}"


def _briefing_url(b: Briefing) -> str:
    return _briefings_url(b.community.code, b.date) + f"#briefing-{b.kind}"


def _refused(request: HttpRequest, exc: DomainError) -> None:
    if not exc.field_errors and exc.status not in (400, 409):
        raise exc
    for message in [e.message for e in exc.field_errors] or [exc.message]:
        messages.error(request, message)


def _facts_rows(request: HttpRequest, b: Briefing) -> list[dict]:
    role = request.user.role
    rows = []
    for f in FACTS:
        rows.append({"key": f.key, "label": f.label, "group": f.group, "value": b.facts.get(f.key, 0),
                     "url": reverse(f.url) if role_can(role, f.perm) else ""})
    return rows


def _briefing_context(request: HttpRequest, briefings: list[Briefing]) -> list[dict]:
    actions = selectors.briefing_actions(briefings=briefings)
    can_edit = role_can(request.user.role, Perm.EDIT_MEETINGS)
    today = local_today()
    user = request.user
    return [{"b": b, "facts": _facts_rows(request, b), "today": today,
             "actions": [(a, services.action_may_tick(actor=user, action=a)) for a in actions[b.pk]],
             "add_url": reverse("meetings:briefing_action_add", args=[b.pk]) if can_edit else "",
             "report_state": REPORT_STATES.get(b.facts.get("report_state", ""), ""),
             "running": b.period_end > timezone.now(), "can_edit": can_edit,
             "minutes_form": MinutesForm(initial={"minutes": b.minutes}, auto_id=f"id_minutes_{b.kind}_%s"),
             "action_form": ActionForm(auto_id=f"id_action_{b.kind}_%s")} for b in briefings]


@page(Perm.VIEW_MEETINGS, methods=GET)
def briefings(request: HttpRequest) -> HttpResponse:
    user = request.user
    picker = DayForm(request.GET or None)
    chosen = picker.cleaned_data if picker.is_bound and picker.is_valid() else {}
    communities = list(community_list(actor=user).order_by("code")[:200])
    code = chosen.get("community") or (communities[0].code if communities else "")
    if not code:
        raise NotFound(_("No community in your scope"))
    community = community_get(actor=user, code=code)
    day = chosen.get("day") or local_today()
    if day > local_today():
        day = local_today()
    pair = services.briefings_of_day(actor=user, community=community, day=day)
    for b in pair:
        b.community = community
    return render(request, "meetings/briefings.html", {
        "community": community, "communities": communities, "day": day, "briefings": _briefing_context(request, pair),
        "prev_url": _briefings_url(community.code, day - timedelta(days=1)),
        "next_url": _briefings_url(community.code, day + timedelta(days=1)) if day < local_today() else "",
    })


@page(Perm.VIEW_MEETINGS, within=Within.COMMUNITY, methods=GET)
def briefing_print(request: HttpRequest, pk: int) -> HttpResponse:
    b = selectors.briefing_get(actor=request.user, pk=pk)
    b = services.briefing_get_or_generate(actor=request.user, community=b.community, day=b.date, kind=b.kind)
    return render(request, "meetings/briefing_print.html", {"item": _briefing_context(request, [b])[0],
                                                            "community": b.community})


@page(Perm.EDIT_MEETINGS, within=Within.COMMUNITY, methods=("POST",))
def briefing_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    b = selectors.briefing_get(actor=request.user, pk=pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.briefing_minutes_set(actor=request.user, briefing=b, minutes=form.cleaned_data["minutes"])
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Minutes saved."))
    else:
        for message in form_error_messages(form):
            messages.error(request, message)
    return redirect(_briefing_url(b))


@page(Perm.EDIT_MEETINGS, within=Within.COMMUNITY, methods=("POST",))
def briefing_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    b = selectors.briefing_get(actor=request.user, pk=pk)
    _action_add(request, briefing=b)
    return redirect(_briefing_url(b))


def _action_add(request: HttpRequest, **source) -> None:
    form = ActionForm(request.POST)
    if not form.is_valid():
        for message in form_error_messages(form):
            messages.error(request, message)
        return
    data = form.cleaned_data
    try:
        services.action_add(actor=request.user, text=data["text"], owner=data["owner"] or None, due=data["due"],
                            **source)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Action item added."))


@page(Perm.VIEW_MEETINGS, within=Within.COMMUNITY, methods=("POST",))
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick an action item done (done=0: not done after all): the editors, or the action's owner."""
    item = selectors.action_get(actor=request.user, pk=pk)
    services.action_done(actor=request.user, action=item, done=request.POST.get("done", "1") != "0")
    return redirect(next_url(request, reverse("meetings:actions")))


@page(Perm.VIEW_MEETINGS, methods=GET)
def actions(request: HttpRequest) -> HttpResponse:
    items = selectors.actions_open(actor=request.user)
    user = request.user
    return render(request, "meetings/actions.html", {
        "items": [(a, services.action_may_tick(actor=user, action=a)) for a in items], "today": local_today(),
    })


# --- meetings -------------------------------------------------------------------------------------------

@page(Perm.VIEW_MEETINGS, methods=GET)
def meeting_list(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/meeting_list.html", {
        "meetings": selectors.meeting_list(actor=request.user)[:200],
        "can_edit": role_can(request.user.role, Perm.EDIT_MEETINGS),
    })


@page(Perm.EDIT_MEETINGS)
def meeting_new(request: HttpRequest) -> HttpResponse:
    communities = list(community_list(actor=request.user).order_by("code")[:200])
    form = MeetingForm(request.POST or None, initial={"kind": request.GET.get("kind", "deployment")})
    code = request.POST.get("community") or (communities[0].code if communities else "")
    if request.method == "POST" and form.is_valid():
        try:
            community = community_get(actor=request.user, code=code)
            meeting = services.meeting_create(actor=request.user, community=community, **form.cleaned_data)
        except DomainError as exc:
            if exc.status == 404 or (not exc.field_errors and exc.status != 400):
                raise
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Meeting created."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/meeting_new.html", {"form": form, "communities": communities, "code": code},
                  status=422 if form.is_bound else 200)


@page(Perm.VIEW_MEETINGS, within=Within.COMMUNITY)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    can_edit = role_can(request.user.role, Perm.EDIT_MEETINGS)
    form = MeetingNotesForm(initial={f: getattr(meeting, f) for f in ("agenda", "decisions", "minutes")})
    if request.method == "POST":
        form = MeetingNotesForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
            except DomainError as exc:
                if not exc.field_errors:
                    raise
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("meetings:meeting_detail", pk=meeting.pk)
    attendance = list(meeting.attendance.all())
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "form": form, "can_edit": can_edit, "attendance": attendance,
        "present": sum(a.present for a in attendance),
        "actions": [(a, services.action_may_tick(actor=request.user, action=a))
                    for a in meeting.actions.select_related("owner").order_by("done", "due", "id")],
        "action_form": ActionForm(), "today": local_today(),
    }, status=422 if form.is_bound and form.errors else 200)


@page(Perm.EDIT_MEETINGS, within=Within.COMMUNITY, methods=("POST",))
def meeting_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    _action_add(request, meeting=meeting)
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#actions")


@page(Perm.EDIT_MEETINGS, within=Within.COMMUNITY, methods=("POST",))
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the community's landlords, or its working group, to the attendance list (those not yet on it)."""
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    if request.POST.get("who") == "landlords":
        n = services.attendance_invite_landlords(actor=request.user, meeting=meeting)
    else:
        n = services.attendance_invite_members(actor=request.user, meeting=meeting)
    messages.success(request, _("%(n)s added to the attendance list.") % {"n": n})
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#attendance")


@page(Perm.EDIT_MEETINGS, within=Within.COMMUNITY, methods=("POST",))
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.attendance_get(actor=request.user, pk=pk)
    services.attendance_mark(actor=request.user, attendance=row, present=request.POST.get("present") == "1")
    return redirect(reverse("meetings:meeting_detail", args=[row.meeting_id]) + f"#attendance-{row.pk}")


@page(Perm.EDIT_MEETINGS, within=Within.COMMUNITY, methods=("POST",))
def attendance_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.attendance_get(actor=request.user, pk=pk)
    form = FollowUpForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.attendance_follow_up(actor=request.user, attendance=row, note=note)
    messages.success(request, _("%(name)s marked as followed up.") % {"name": row.name})
    return redirect(next_url(request, reverse("meetings:absent_landlords")))


@page(Perm.VIEW_MEETINGS, methods=GET)
def absent_landlords(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/absent_landlords.html", {
        "rows": selectors.absent_landlords(actor=request.user)[:500],
        "can_edit": role_can(request.user.role, Perm.EDIT_MEETINGS), "form": FollowUpForm(),
    })


# --- plans ----------------------------------------------------------------------------------------------

@page(Perm.VIEW_MEETINGS)
def plans(request: HttpRequest) -> HttpResponse:
    """The plans in scope; a community's first version of a plan is written here."""
    user = request.user
    communities = list(community_list(actor=user).order_by("code")[:200])
    can_edit = role_can(user.role, Perm.EDIT_PLANS)
    form = PlanVersionForm(request.POST or None, initial={"kind": request.GET.get("kind", Plan.Kind.WORK)})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Your role does not allow this"))
        community = community_get(actor=user, code=request.POST.get("community", ""))
        if form.is_valid():
            try:
                version = services.plan_version_add(actor=user, community=community, **form.cleaned_data)
            except DomainError as exc:
                if not exc.field_errors:
                    raise
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Version %(n)s saved.") % {"n": version.version})
                return redirect("meetings:plan_detail", pk=version.plan_id)
    return render(request, "meetings/plans.html", {
        "plans": selectors.plan_list(actor=user), "communities": communities, "can_edit": can_edit, "form": form,
        "kinds": Plan.Kind.choices,
    }, status=422 if form.is_bound and form.errors else 200)


@page(Perm.VIEW_MEETINGS, within=Within.COMMUNITY)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(actor=user, pk=pk)
    versions = list(selectors.plan_versions(plan=plan))
    can_edit = role_can(user.role, Perm.EDIT_PLANS)
    latest = versions[0] if versions else None
    form = PlanVersionForm(initial={"kind": plan.kind, "body": latest.body if latest else ""})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Your role does not allow this"))
        form = PlanVersionForm(request.POST)
        if form.is_valid():
            try:
                version = services.plan_version_add(actor=user, community=plan.community, kind=plan.kind,
                                                    body=form.cleaned_data["body"], note=form.cleaned_data["note"])
            except DomainError as exc:
                if not exc.field_errors:
                    raise
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Version %(n)s saved.") % {"n": version.version})
                return redirect("meetings:plan_detail", pk=plan.pk)
    shown = latest
    wanted = request.GET.get("v", "")
    if wanted.isdigit():
        shown = next((v for v in versions if v.version == int(wanted)), None)
        if shown is None:
            raise NotFound(_("No such version"))
    return render(request, "meetings/plan_detail.html", {
        "plan": plan, "versions": versions, "shown": shown, "can_edit": can_edit, "form": form,
    }, status=422 if form.is_bound and form.errors else 200)
