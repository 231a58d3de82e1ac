from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError
from fangkong.policy import services
from fangkong.registry.selectors import community_get, community_list


@login_required
def policy_home(request):
    require(request.user, Perm.VIEW_POLICY)
    first = community_list(actor=request.user).first()
    if first is None:
        return render(request, "error.html", {"message": _("No community in your scope")}, status=404)
    return redirect("policy:community", code=first.code)


@login_required
def community_policy(request, code: str):
    require(request.user, Perm.VIEW_POLICY)
    community = community_get(actor=request.user, code=code)
    error = None
    if request.method == "POST":
        key = request.POST.get("key", "")
        raw = request.POST.get("value", "")
        try:
            value = json.loads(raw) if raw.strip()[:1] in "[{" else raw.strip()
            level = request.POST.get("level", "community")
            place = {"community": community} if level == "community" else {"street": community.street}
            services.policy_set(
                actor=request.user, key=key, value=value,
                effective_from=date.fromisoformat(request.POST.get("effective_from", "")),
                note=request.POST.get("note", ""), **place,
            )
        except (ValueError, json.JSONDecodeError):
            error = _("Check the value and the date (2020-02-24)")
        except FieldError as exc:
            error = exc.message
        else:
            messages.success(request, _("Policy saved"))
            return redirect("policy:community", code=code)
    in_force = services.policy_in_force(community=community)
    rows = [(services.SETTINGS[k], e) for k, e in in_force.items()]
    return render(request, "policy/community_policy.html", {
        "community": community, "rows": rows, "history": services.policy_history(community=community),
        "communities": community_list(actor=request.user), "error": error,
        "can_edit": role_can(request.user.role, Perm.EDIT_POLICY), "settings": services.SETTINGS.values(),
    })
