from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.core.errors import DomainError
from fangkong.core.forms import form_add_domain_error, form_error_messages
from fangkong.policy import services
from fangkong.policy.catalogue import SETTINGS
from fangkong.policy.forms import PolicyValueForm
from fangkong.policy.selectors import policy_history, policy_in_force
from fangkong.registry.selectors import community_get, community_list


@page(Perm.VIEW_POLICY)
def policy_home(request):
    first = community_list(actor=request.user).first()
    if first is None:
        return render(request, "error.html", {"message": _("No community in your scope")}, status=404)
    return redirect("policy:community", code=first.code)


@page(Perm.VIEW_POLICY, within=Within.COMMUNITY)
def community_policy(request, code: str):
    community = community_get(actor=request.user, code=code)
    form = PolicyValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = {"community": community} if data["level"] == "community" else {"street": community.street}
        try:
            services.policy_set(actor=request.user, key=data["key"], value=data["value"],
                                effective_from=data["effective_from"], note=data["note"], **place)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Policy saved"))
            return redirect("policy:community", code=code)
    error = "; ".join(form_error_messages(form)) if form.is_bound else None
    in_force = policy_in_force(community=community)
    rows = [(SETTINGS[k], e) for k, e in in_force.items()]
    return render(request, "policy/community_policy.html", {
        "community": community, "rows": rows, "history": policy_history(community=community),
        "communities": community_list(actor=request.user), "error": error,
        "can_edit": role_can(request.user.role, Perm.EDIT_POLICY), "settings": SETTINGS.values(),
    })
