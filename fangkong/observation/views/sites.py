"""The centralised observation sites of the user's streets, with their occupancy; the office adds sites."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.access import page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.services import require
from fangkong.core.errors import DomainError
from fangkong.observation import selectors
from fangkong.observation.forms import SiteForm
from fangkong.observation.services import site_create
from fangkong.observation.views.common import put_errors


@page(Perm.VIEW_OBSERVATION)
def site_list(request):
    can_manage = role_can(request.user.role, Perm.MANAGE_OBSERVATION)
    form = SiteForm(request.POST or None, streets=selectors.site_streets(actor=request.user)) if can_manage else None
    status = 200
    if request.method == "POST":
        require(request.user, Perm.MANAGE_OBSERVATION)
        if form.is_valid():
            d = form.cleaned_data
            try:
                site = site_create(actor=request.user, street=d["street"], name=d["name"], capacity=d["capacity"],
                                   address=d["address"], rooms=d["rooms"])
            except DomainError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Site added: %(name)s.") % {"name": site.name})
                return redirect("observation:site_list")
        status = 422
    return render(request, "observation/site_list.html", {
        "sites": selectors.site_occupancy(actor=request.user), "form": form}, status=status)
