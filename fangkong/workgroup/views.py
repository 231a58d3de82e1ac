from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.registry.selectors import community_get, community_list
from fangkong.workgroup.selectors import org_chart


@login_required
def org_chart_home(request):
    require(request.user, Perm.VIEW_WORKGROUP)
    first = community_list(actor=request.user).first()
    if first is None:
        return render(request, "error.html", {"message": _("No community in your scope")}, status=404)
    return redirect("workgroup:org_chart", code=first.code)


@login_required
def org_chart_page(request, code: str):
    community = community_get(actor=request.user, code=code)
    group, roots = org_chart(actor=request.user, community=community)
    return render(request, "workgroup/org_chart.html", {
        "community": community, "group": group, "roots": roots,
        "communities": community_list(actor=request.user),
    })
