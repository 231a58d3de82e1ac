"""Pages of the shops app: merchants by kind, a merchant (profile, staff and their blue passes, inspections,
price chart and table), the inspection form, price alerts acknowledged and closed."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError, NotFound
from fangkong.core.identifiers import mask_name
from fangkong.core.paging import page_of
from fangkong.passes.models import Pass
from fangkong.registry.models import Person
from fangkong.shops import selectors, services
from fangkong.shops.forms import CloseForm, FilterForm, InspectionForm, PassForm, ProfileForm, StaffForm
from fangkong.shops.models import SERVICE_CATEGORIES, MerchantStaff, PriceAlert


def _errors(form, exc: DomainError) -> None:
    if not exc.field_errors:
        raise exc
    for e in exc.field_errors:
        name = e.field.split("[", 1)[0]  # "prices[2].price" → the prices field
        form.add_error(name if name in form.fields else None, e.message)


@page(Perm.VIEW_SHOPS, methods=("GET", "HEAD"))
def merchant_list(request):
    filters = FilterForm(request.GET or None)
    kind = filters.cleaned_data["kind"] if filters.is_valid() else ""
    merchants = page_of(request, selectors.merchant_list(actor=request.user, category=kind))
    for m in merchants:
        m.category = selectors.category_of(m)
    return render(request, "shops/merchant_list.html", {
        "filters": filters, "page": merchants,
        "open_alerts": selectors.price_alert_list(actor=request.user, statuses=["open"]).count()})


def _detail(request, merchant, *, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    category = selectors.category_of(merchant)
    staff = list(MerchantStaff.objects.filter(merchant=merchant).select_related("person").order_by("id"))
    passes = {}
    for p in Pass.objects.filter(person_id__in=[s.person_id for s in staff], kind=Pass.Kind.SERVICE).order_by("-id"):
        passes.setdefault(p.person_id, p)
    can_manage = role_can(request.user.role, Perm.MANAGE_SHOPS)
    for s in staff:
        s.service_pass = passes.get(s.person_id)
        # Those who only look on (street offices) see names masked, as in the registry.
        s.shown_name = s.person.name if can_manage else mask_name(s.person.name)
    history = selectors.price_history(merchant=merchant)
    today = local_today()
    profile = getattr(merchant, "profile", None)  # None when the merchant has no profile yet
    return render(request, "shops/merchant_detail.html", {
        "merchant": merchant, "category": category, "profile": profile, "staff": staff,
        "service": category in SERVICE_CATEGORIES,
        "can_manage": can_manage,
        "can_issue": role_can(request.user.role, Perm.ISSUE_PASSES),
        "inspections": merchant.inspections.prefetch_related("prices", "inspectors")[:30],
        "history": history, "chart": [{"name": k, "points": v} for k, v in history.items()],
        "profile_form": forms.get("profile") or ProfileForm(initial={
            "category": category, "owner_name": getattr(profile, "owner_name", ""),
            "opening": getattr(profile, "opening", "open"), "note": getattr(profile, "note", "")}),
        "staff_form": forms.get("staff") or StaffForm(),
        "pass_form": forms.get("pass") or PassForm(initial={"valid_from": today, "valid_until": today + timedelta(30)}),
    }, status=status)


def _merchant(request, pk):
    return selectors.merchant_get(actor=request.user, merchant_id=pk)


@page(Perm.VIEW_SHOPS, within=Within.COMMUNITY, methods=("GET", "HEAD"))
def merchant_detail(request, pk: int):
    return _detail(request, _merchant(request, pk))


@page(Perm.MANAGE_SHOPS, within=Within.COMMUNITY, methods=("POST",))
def profile_save(request, pk: int):
    m = _merchant(request, pk)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.merchant_profile_save(actor=request.user, merchant=m, **form.cleaned_data)
        except DomainError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Merchant saved."))
            return redirect("shops:merchant_detail", pk=m.pk)
    return _detail(request, m, forms={"profile": form}, status=422)


@page(Perm.MANAGE_SHOPS, within=Within.COMMUNITY, methods=("POST",))
def staff_add(request, pk: int):
    m = _merchant(request, pk)
    form = StaffForm(request.POST)
    if form.is_valid():
        person = Person.objects.by_id_number(form.cleaned_data["id_number"]).filter(community_id=m.community_id).first()
        if person is None:
            form.add_error("id_number", _("No person with this ID number is registered in the community"))
        else:
            try:
                services.merchant_staff_add(actor=request.user, merchant=m, person=person,
                                            role=form.cleaned_data["role"])
            except DomainError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("Staff member added."))
                return redirect("shops:merchant_detail", pk=m.pk)
    return _detail(request, m, forms={"staff": form}, status=422)


@page(Perm.ISSUE_PASSES, within=Within.COMMUNITY, methods=("POST",))
def staff_pass(request, pk: int, staff_id: int):
    m = _merchant(request, pk)
    staff = MerchantStaff.objects.select_related("person", "merchant").filter(pk=staff_id, merchant=m).first()
    if staff is None:
        raise NotFound(_("No such staff member"))
    form = PassForm(request.POST)
    if form.is_valid():
        try:
            p = services.staff_pass_issue(actor=request.user, staff=staff, **form.cleaned_data)
        except DomainError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Service pass %(number)s issued.") % {"number": p.number})
            return redirect("shops:merchant_detail", pk=m.pk)
    return _detail(request, m, forms={"pass": form}, status=422)


@page(Perm.MANAGE_SHOPS, within=Within.COMMUNITY)
def inspection_new(request, pk: int):
    m = _merchant(request, pk)
    form = InspectionForm(request.POST or None, initial={"day": local_today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            _insp, alerts = services.inspection_record(
                actor=request.user, merchant=m, prices=d["prices"], day=d["day"], stock=d["stock"],
                hygiene_ok=d["hygiene_ok"], protection_ok=d["protection_ok"], findings=d["findings"])
        except DomainError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Inspection recorded."))
            if alerts:
                messages.warning(request, _("%(n)d price alert(s) raised.") % {"n": len(alerts)})
            return redirect("shops:merchant_detail", pk=m.pk)
    return render(request, "shops/inspection_form.html", {"merchant": m, "form": form},
                  status=422 if request.method == "POST" else 200)


def _alerts(request, *, close_forms: dict | None = None, status: int = 200):
    show = request.GET.get("status", "open")
    statuses = {"open": ["open", "acknowledged"], "closed": ["closed"]}.get(show, [])
    alerts = page_of(request, selectors.price_alert_list(actor=request.user, statuses=statuses))
    can_act = role_can(request.user.role, Perm.MANAGE_SHOPS)
    for a in alerts:
        a.can_act = can_act and a.status != PriceAlert.Status.CLOSED
        a.close_form = (close_forms or {}).get(a.pk) or CloseForm(auto_id=f"id_alert{a.pk}_%s")
    return render(request, "shops/alert_list.html", {"page": alerts, "show": show}, status=status)


@page(Perm.VIEW_SHOPS, methods=("GET", "HEAD"))
def alert_list(request):
    return _alerts(request)


def _alert_get(request, pk: int) -> PriceAlert:
    alert = selectors.price_alert_list(actor=request.user).filter(pk=pk).first()
    if alert is None:
        raise NotFound(_("No such alert in your scope"))
    return alert


@page(Perm.MANAGE_SHOPS, within=Within.COMMUNITY, methods=("POST",))
def alert_acknowledge(request, pk: int):
    services.price_alert_acknowledge(actor=request.user, alert=_alert_get(request, pk))
    messages.success(request, _("Price alert acknowledged."))
    return redirect(reverse("shops:alert_list"))


@page(Perm.MANAGE_SHOPS, within=Within.COMMUNITY, methods=("POST",))
def alert_close(request, pk: int):
    alert = _alert_get(request, pk)
    form = CloseForm(request.POST, auto_id=f"id_alert{alert.pk}_%s")
    if form.is_valid():
        try:
            services.price_alert_close(actor=request.user, alert=alert, action=form.cleaned_data["action"])
        except DomainError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Price alert closed."))
            return redirect(reverse("shops:alert_list"))
    return _alerts(request, close_forms={alert.pk: form}, status=422)
