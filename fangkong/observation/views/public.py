"""The two public pages behind a personal link (no login; the token in the path is the key): the
landlord's or resident's return report, and the self-reported follow-up of a person under observation."""

from __future__ import annotations

import uuid
from functools import wraps

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.access import public_page
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError
from fangkong.core.identifiers import mask_name
from fangkong.observation import returnees, selectors
from fangkong.observation.forms import LinkReportForm, SelfFollowUpForm
from fangkong.observation.models import FollowUp, Observation, ReportLink
from fangkong.observation.services import followup_record
from fangkong.observation.views.common import put_errors, with_symptom_labels


def _public(view):
    """No login; the token in the path is the key: keep it out of referrers, caches and search engines."""

    @public_page()
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


def _report_data(link: ReportLink, d: dict) -> returnees.ReportData:
    journey = {"from_place": d["from_place"], "arrival_date": d["arrival_date"], "transport": d["transport"],
               "address": d["address"]}
    if link.kind != ReportLink.Kind.LANDLORD:
        return returnees.ReportData(**journey, person_id=link.person_id)
    if d["tenant"] == LinkReportForm.NEW:
        return returnees.ReportData(**journey, name=d["name"], id_number=d["id_number"], phone=d["phone"],
                                    household_id=d["household"])
    return returnees.ReportData(**journey, person_id=int(d["tenant"]))


@_public
def landlord_report(request, token: str):
    link = returnees.link_resolve(token)
    if link is None or link.kind not in (ReportLink.Kind.LANDLORD, ReportLink.Kind.RESIDENT):
        return _gone(request)
    landlord = link.kind == ReportLink.Kind.LANDLORD
    today = local_today()
    tenants = homes = None
    if landlord:
        tenants = [(str(t.tenant_id), f"{mask_name(t.tenant.name)} · {t.household.address}")
                   for t in returnees.landlord_tenancies(link)]
        homes = selectors.landlord_homes(landlord=link.person)
    form = LinkReportForm(_someone_new(request.POST) if landlord else request.POST or None, tenants=tenants,
                          homes=homes)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                returnees.report_by_link(link=link, data=_report_data(link, form.cleaned_data))
            except DomainError as exc:
                put_errors(form, exc, {"person": "tenant"})
            else:
                return redirect(request.path + "?sent=1")
        status = 422
    reports = selectors.link_reports(link=link)
    for r in reports:
        r.name_masked = mask_name(r.name)
    resumption = selectors.work_resumption_date(community_id=link.community_id, on=today)
    return render(request, "observation/landlord_report.html", {
        "link": link, "landlord": landlord, "community": link.community, "holder_masked": mask_name(link.person.name),
        "work_resumption": resumption, "resumption_days": (resumption - today).days if resumption else None,
        "today": today, "form": form, "tenant_count": len(tenants or []), "reports": reports,
        "new_open": landlord and _new_person_open(form, tenants), "sent": request.GET.get("sent") == "1",
    }, status=status)


NEW_PERSON_FIELDS = ("name", "id_number", "phone")


def _someone_new(data):
    """The landlord filled in someone new without choosing "someone new" in the list: that is the choice.
    None for a GET (an unbound form)."""
    if not data:
        return None
    if not data.get("tenant") and any(data.get(f, "").strip() for f in NEW_PERSON_FIELDS):
        data = data.copy()
        data["tenant"] = LinkReportForm.NEW
    return data


def _new_person_open(form: LinkReportForm, tenants: list) -> bool:
    """The "someone new" block is folded away unless it is in use: chosen, filled in, wrong, or the only
    choice (no tenant registered yet)."""
    if not form.is_bound:
        return not tenants
    return (form.data.get("tenant") == LinkReportForm.NEW
            or any(form.data.get(f, "").strip() for f in NEW_PERSON_FIELDS)
            or any(f in form.errors for f in (*NEW_PERSON_FIELDS, "household")))


@_public
def self_followup(request, token: str):
    link = returnees.link_resolve(token, kind=ReportLink.Kind.FOLLOWUP)
    if link is None:
        return _gone(request)
    today = local_today()
    obs = selectors.observation_of_person(person=link.person)
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
            except DomainError as exc:
                put_errors(form, exc)
            else:
                return redirect(f"{request.path}?done={fu.pk}")
        status = 422
    done = entries = None
    open_ = False
    if obs is not None:
        selectors.observations_with_progress(observations=[obs], today=today)
        open_ = obs.status == Observation.Status.ACTIVE and obs.start <= today <= obs.planned_end
        entries = with_symptom_labels(selectors.followups_recent(obs=obs))
        raw = request.GET.get("done", "")
        done = next((f for f in entries if str(f.pk) == raw), None) if raw.isdigit() else None
    return render(request, "observation/self_followup.html", {
        "obs": obs, "open": open_, "form": form, "entries": entries, "done": done, "today": today,
        "holder_masked": mask_name(link.person.name), "community": link.community,
    }, status=status)
