"""The offline console's server side as pages: the device's token, the service worker and manifest, and the
office's lists of gate devices and of conflicts (docs/offline-gate.md)."""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fangkong.accounts.access import Access, Within, page
from fangkong.accounts.roles import Perm
from fangkong.gates.devices import device_list, device_token_create
from fangkong.gates.errors import REASONS
from fangkong.gates.offline_version import app_version, precache_urls
from fangkong.gates.selectors import Conflict, conflict_list
from fangkong.gates.views.console import _gate

CONFLICTS_PER_PAGE = 50


def _texts(codes: list[str]) -> str:
    return "; ".join(str(REASONS.get(c, c)) for c in codes)


def _shown(c: Conflict) -> dict:
    """A conflict with its reasons in words, for the page."""
    def scan(s) -> dict:
        return {**s.as_dict(), "reasons_text": _texts(s.reasons), "device_reasons_text": _texts(s.device_reasons),
                "when": s.scanned_at or s.at}
    return {"scan": scan(c.scan), "others": [scan(o) for o in c.others], "revoked_at": c.revoked_at}


@page(Perm.SCAN, within=Within.COMMUNITY, methods=("POST",))
def device_token(request, code: str):
    """A bearer token for the console's device (CSRF-checked like every page POST): JSON or form field
    `device`, the UUID the browser made once."""
    _gate(request, code)  # 404 outside the guard's scope, as the console answers
    device = request.POST.get("device", "")
    if not device and request.content_type == "application/json":
        try:
            device = str(json.loads(request.body or b"{}").get("device", ""))
        except (ValueError, AttributeError):
            device = ""
    token = device_token_create(actor=request.user, gate_code=code, device=device)
    response = JsonResponse({"token": token, "device": device.strip().lower(), "gate": code})
    response["Cache-Control"] = "no-store"
    return response


# The service worker and the manifest carry no data: served to anyone, so the browser can always check
# for a new version of the worker, even when the session has expired. Declared for the authorisation
# matrix as a public page that names nothing (`public_page` is for personal links, which name a token).
_ANYONE = Access(perm=None, methods=("GET", "HEAD"), within=Within.NOTHING, public=True)


@require_GET
def service_worker(request):
    body = render_to_string("gates/sw.js", {"version": app_version(), "precache": precache_urls()})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("gates:index")  # the gate pages: /gate/
    return response


@require_GET
def manifest(request):
    context = {"version": app_version(), "start_url": reverse("gates:index")}
    body = render_to_string("gates/manifest.webmanifest", context)
    response = HttpResponse(body, content_type="application/manifest+json; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


service_worker.access = manifest.access = _ANYONE  # type: ignore[attr-defined]


@page(Perm.MANAGE_ROSTER, methods=("GET", "HEAD"))
def devices(request):
    return render(request, "gates/devices.html", {"devices": device_list(actor=request.user),
                                                  "title": _("Gate devices")})


@page(Perm.VIEW_SCANS, methods=("GET", "HEAD"))
def conflicts(request):
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1
    rows = conflict_list(actor=request.user, limit=CONFLICTS_PER_PAGE + 1, offset=(number - 1) * CONFLICTS_PER_PAGE)
    return render(request, "gates/conflicts.html", {
        "conflicts": [_shown(c) for c in rows[:CONFLICTS_PER_PAGE]], "page": number,
        "has_next": len(rows) > CONFLICTS_PER_PAGE,
        "title": _("Conflicts of offline scans"),
    })
