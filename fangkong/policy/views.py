from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError, FieldError, NotFound
from fangkong.core.forms import form_add_domain_error
from fangkong.policy import services
from fangkong.policy.catalogue import SETTINGS
from fangkong.policy.errors import PolicyCode
from fangkong.policy.forms import PolicyValueForm
from fangkong.policy.selectors import policy_history_shown, policy_shown
from fangkong.registry.selectors import community_get, community_list


@page(Perm.VIEW_POLICY)
def policy_home(request):
    first = community_list(actor=request.user).first()
    if first is None:
        raise NotFound(_("No community in your scope"))
    return redirect("policy:community", code=first.code)


@page(Perm.VIEW_POLICY, within=Within.COMMUNITY)
def community_policy(request, code: str):
    community = community_get(actor=request.user, code=code)
    shown = policy_shown(community=community)
    levels = services.policy_levels(actor=request.user, community=community)
    can_edit = bool(levels)
    posted = request.POST.get("key") if request.method == "POST" else None
    if posted is not None and posted not in SETTINGS:
        raise FieldError("key", PolicyCode.UNKNOWN_SETTING, _("Unknown setting"))
    if posted is not None:
        require(request.user, Perm.EDIT_POLICY)
    forms: dict[str, PolicyValueForm] = {}
    status = 200
    if can_edit:
        initial = {"effective_from": local_today(), "level": "community"}
        for row in shown:
            data = request.POST if row.key == posted else None
            forms[row.key] = PolicyValueForm(data, key=row.key, community=community, current=row.effective.value,
                                             levels=levels, initial=initial)
    if posted is not None:
        if not can_edit:
            raise NotFound(_("No such place in your scope"))
        form = forms[posted]
        if form.is_valid():
            data = form.cleaned_data
            place = {"community": community} if data["level"] == "community" else {"street": community.street}
            try:
                services.policy_set(actor=request.user, key=posted, value=form.value_for_policy(),
                                    effective_from=data["effective_from"], note=data["note"], **place)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Policy saved: %(setting)s") % {"setting": form.setting.label})
                return redirect("policy:community", code=code)
        status = 422
    return render(request, "policy/community_policy.html", {
        "community": community, "rows": [(row, forms.get(row.key)) for row in shown], "posted": posted,
        "history": policy_history_shown(community=community),
        "communities": community_list(actor=request.user), "can_edit": can_edit,
    }, status=status)
