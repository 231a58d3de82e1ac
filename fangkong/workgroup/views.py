from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.services import require
from fangkong.core.errors import DomainError
from fangkong.core.forms import form_add_domain_error
from fangkong.registry.selectors import community_get, community_list
from fangkong.workgroup import services
from fangkong.workgroup.forms import MemberForm
from fangkong.workgroup.selectors import member_in_group, members_of, org_chart


@page(Perm.VIEW_WORKGROUP)
def org_chart_home(request):
    first = community_list(actor=request.user).first()
    if first is None:
        return render(request, "error.html", {"message": _("No community in your scope")}, status=404)
    return redirect("workgroup:org_chart", code=first.code)


@page(Perm.VIEW_WORKGROUP, within=Within.COMMUNITY)
def org_chart_page(request, code: str):
    community = community_get(actor=request.user, code=code)
    group, roots = org_chart(actor=request.user, community=community)
    can_edit = group is not None and role_can(request.user.role, Perm.EDIT_WORKGROUP)
    form = None
    if can_edit:
        form = MemberForm(request.POST or None, members=members_of(group=group), grids=list(community.grids.all()))
    if request.method == "POST":
        require(request.user, Perm.EDIT_WORKGROUP)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                services.member_add(
                    actor=request.user, group=group, name=data["name"], position=data["position"],
                    duties=data["duties"], reports_to=member_in_group(group=group, pk=data["reports_to"]),
                    grid=community.grids.filter(pk=data["grid"]).first() if data["grid"] else None,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Member added"))
                return redirect("workgroup:org_chart", code=code)
    return render(request, "workgroup/org_chart.html", {
        "community": community, "group": group, "roots": roots, "form": form,
        "communities": community_list(actor=request.user),
    })
