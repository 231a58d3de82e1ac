from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render

from fangkong.accounts.models import AuditEntry
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.paging import page_of


@login_required
def audit_log(request):
    require(request.user, Perm.VIEW_AUDIT)
    scope = scope_of(request.user)
    entries = AuditEntry.objects.all()
    if not scope.is_all:
        entries = entries.filter(Q(community_id__in=scope.community_ids) | Q(actor=request.user))
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    return render(request, "accounts/audit_log.html", {
        "page": page_of(request, entries.select_related("actor"), 100),
        "actions": AuditEntry.Action.choices, "action": action,
    })
