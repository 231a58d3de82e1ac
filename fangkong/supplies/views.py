"""Pages of the supplies app: stock with a movement form, the movements' history, donations; and the public
thank-you board of a community."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import page, public_page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.core.errors import DomainError
from fangkong.core.paging import keyset_page
from fangkong.registry.models import Community
from fangkong.supplies import selectors, services
from fangkong.supplies.forms import DonationForm, MovementForm


def _community(request) -> tuple[Community, list[Community]]:
    """The community chosen with ?community=CODE among those in scope (the first by default)."""
    communities = list(Community.objects.for_scope(scope_of(request.user)).order_by("code")[:200])
    if not communities:
        raise Http404
    code = request.GET.get("community") or request.POST.get("community")
    chosen = next((c for c in communities if c.code == code), None) if code else communities[0]
    if chosen is None:
        raise Http404
    return chosen, communities


def _put(form, error: DomainError) -> None:
    for fe in error.field_errors:
        form.add_error(fe.field if fe.field in form.fields else None, fe.message)
    if not error.field_errors:
        form.add_error(None, error.message)


@page(Perm.VIEW_SUPPLIES)
def index(request):
    community, communities = _community(request)
    can_manage = role_can(request.user.role, Perm.MANAGE_SUPPLIES)
    form = MovementForm(request.POST or None, community=community)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                place = d["place"]
                if not place and d["new_place"].strip():
                    place = services.place_create(actor=request.user, community=community, name=d["new_place"])
                moved = services.movement_record(actor=request.user, community=community, item=d["item"],
                                                 quantity=d["quantity"], direction=d["direction"],
                                                 reason=d["reason"], place=place, note=d["note"])
            except DomainError as e:
                _put(form, e)
            else:
                messages.success(request, _("Recorded; in stock now: %(n)s") % {"n": moved.stock_after})
                return redirect(f"{reverse('supplies:index')}?community={community.code}")
    stock = list(selectors.stock_list(actor=request.user, community=community)[:1000])
    return render(request, "supplies/index.html", {
        "community": community, "communities": communities, "stock": stock, "form": form,
        "can_manage": can_manage, "low_count": sum(1 for s in stock if s.low)})


@page(Perm.VIEW_SUPPLIES, methods=("GET", "HEAD"))
def movements(request):
    community, communities = _community(request)
    rows = selectors.movement_list(actor=request.user, community=community)
    item = request.GET.get("item")
    if item:
        rows = rows.filter(item__code=item)
    page_ = keyset_page(rows, request.GET.get("after"), 50)
    return render(request, "supplies/movements.html", {"community": community, "communities": communities,
                                                       "page": page_, "item": item or ""})


@page(Perm.VIEW_SUPPLIES)
def donations(request):
    community, communities = _community(request)
    can_manage = role_can(request.user.role, Perm.MANAGE_SUPPLIES)
    form = DonationForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.donation_record(
                    actor=request.user, community=community, donor_kind=d["donor_kind"], donor_name=d["donor_name"],
                    lines=[services.Line(i, q) for i, q in form.lines()], in_kind=d["in_kind"],
                    public_thanks=d["public_thanks"])
            except DomainError as e:
                _put(form, e)
            else:
                messages.success(request, _("Donation recorded"))
                return redirect(f"{reverse('supplies:donations')}?community={community.code}")
    rows = selectors.donation_list(actor=request.user, community=community)[:200]
    try:  # the public pages are mounted by the project's urls; a deployment without them still works
        board = reverse("supplies_public:thanks", args=[community.code])
    except NoReverseMatch:
        board = None
    return render(request, "supplies/donations.html", {"community": community, "communities": communities,
                                                       "donations": rows, "form": form, "can_manage": can_manage,
                                                       "board": board})


@public_page(methods=("GET", "HEAD"))
def thanks(request, code: str):
    """Public: the donors of a community who agreed to be named, and no one else; no phone, no ID."""
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise Http404
    return render(request, "supplies/thanks.html", {"community": community,
                                                    "donors": selectors.thanks_board(community=community)})
