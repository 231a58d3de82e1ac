"""Gate pages: the guard's console (scan, vehicle, camera), visitors, incidents, and where a guard starts.

The console posts to `scan`, which calls scan_record once per person and answers with a full-screen
ALLOW/DENY fragment (htmx) or the whole console page with the answer on it (no JavaScript). Bad input
is answered with 422 and the errors, and nothing is recorded: so is an entry without a temperature, which
the console asks for before deciding (a refusal for a missing temperature is not worth recording). A
refusal for fever carries the community's fever rule and the guard's instruction (policy).
"""

from __future__ import annotations

import uuid
from functools import lru_cache

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError, FieldError, NotFound, PermissionDenied
from fangkong.core.forms import form_add_domain_error
from fangkong.core.identifiers import mask_name
from fangkong.gates.errors import REASONS, ScanReason
from fangkong.gates.forms import MAX_OCCUPANTS, IncidentForm, ScanForm, VisitorForm, occupant_forms
from fangkong.gates.models import Gate, Incident, Scan, Visitor
from fangkong.gates.offline_version import app_version
from fangkong.gates.scanning import ScanOutcome, ScanRequest, gate_for_scan, scan_record
from fangkong.gates.selectors import gate_on_duty
from fangkong.gates.services import incident_report, visitor_register
from fangkong.passes.models import Pass
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.models import Household

CAMERA_LIBRARY = "vendor/jsqr/jsQR.js"  # copied from npm into the package by vendor_static.py
_COMPARISONS = {">=": "≥", ">": ">"}


@lru_cache(maxsize=1)
def _camera_library() -> str | None:
    return CAMERA_LIBRARY if finders.find(CAMERA_LIBRARY) else None


def _gate(request, code: str) -> Gate:
    """The gate the user may scan at (the page checked Perm.SCAN): 404 if unknown or outside the scope, as
    every page answers for an object the user may not see."""
    try:
        info = gate_for_scan(actor=request.user, code=code)
    except (FieldError, PermissionDenied) as exc:
        raise NotFound(_("No such gate")) from exc
    gate = Gate.objects.select_related("community").filter(pk=info.id).first()
    if gate is None:
        raise NotFound(_("No such gate"))
    return gate


def _client_id(request, raw: str | None) -> str | None:
    """Namespaced by user, so a client_id can only ever replay the user's own scan."""
    return f"web:{request.user.pk}:{raw}" if raw else None


# --- the console ---------------------------------------------------------------------------------------


_KIND_LABELS = dict(Pass.Kind.choices)


def _reason_texts(codes: list[str]) -> list[tuple[str, str]]:
    return [(c, str(REASONS.get(c, c))) for c in codes]


def _result(o: ScanOutcome) -> dict:
    p = o.pass_
    return {
        "decision": o.scan.decision, "reasons": _reason_texts(o.scan.reasons), "replayed": o.replayed,
        "pass": p, "kind": _KIND_LABELS.get(p.kind, p.kind) if p else "",
        "holder": mask_name(p.person.name) if p else "", "id_masked": p.person.id_number_masked if p else "",
        "temperature": o.scan.temperature, "unknown": ScanReason.UNKNOWN_PASS in o.scan.reasons,
        "fever": ScanReason.FEVER in o.scan.reasons,
    }


def _fever_rule(gate: Gate) -> dict:
    """The community's fever rule today and what the guard does when someone has a fever (policy)."""
    policy = policy_values_cached(community_id=gate.community_id, on=local_today())
    return {"threshold": policy["fever_threshold"],
            "comparison": _COMPARISONS.get(policy["fever_comparison"], policy["fever_comparison"]),
            "instruction": policy["gate_fever_instruction"]}


def _console_context(request, gate: Gate, **extra) -> dict:
    direction = request.POST.get("direction") or request.GET.get("direction")
    return {
        "gate": gate, "client_id": uuid.uuid4(), "camera_library": _camera_library(),
        "direction": direction if direction in Scan.Direction.values else Scan.Direction.IN,
        "can_vehicle": gate.kind != Gate.Kind.PEDESTRIAN, "max_occupants": MAX_OCCUPANTS,
        "directions": Scan.Direction, "app_version": app_version(), **extra,
    }


@page(Perm.SCAN, methods=("GET", "HEAD"))
def duty(request):
    """Where gate staff start: the console of the gate they are on duty at now, else the list of gates."""
    gate = gate_on_duty(actor=request.user)
    return redirect("gates:console", code=gate.code) if gate else redirect("gates:index")


@page(Perm.SCAN, within=Within.COMMUNITY, methods=("GET", "HEAD"))
def console(request, code: str):
    gate = _gate(request, code)
    return render(request, "gates/console.html", _console_context(request, gate))


def _scan_errors(head: ScanForm, rows: list, vehicle: bool) -> list[dict]:
    errors = [{"field": f, "row": "", "message": m} for f, msgs in head.errors.items() for m in msgs]
    for i, row in enumerate(rows):
        for f, msgs in row.errors.items():
            for m in msgs:
                text = _("Occupant %(n)s: %(error)s") % {"n": i + 1, "error": m} if vehicle else m
                errors.append({"field": f, "row": i, "message": text})
    return errors


@page(Perm.SCAN, within=Within.COMMUNITY, methods=("POST",))
def scan(request, code: str):
    gate = _gate(request, code)
    vehicle = bool(request.POST.get("vehicle")) and gate.kind != Gate.Kind.PEDESTRIAN
    head = ScanForm(request.POST, vehicle=vehicle)
    rows = occupant_forms(request.POST, entering=request.POST.get("direction") == Scan.Direction.IN)
    # A vehicle check takes every filled-in occupant row; a pedestrian check the first row only.
    rows = ([r for r in rows if not r.is_blank] or rows[:1]) if vehicle else rows[:1]
    head_ok = head.is_valid()
    rows_ok = all([r.is_valid() for r in rows])  # a list: every row is validated, for all its errors
    errors = _scan_errors(head, rows, vehicle)
    if vehicle and len(rows) > MAX_OCCUPANTS:
        errors.append({"field": "code", "row": MAX_OCCUPANTS,
                       "message": _("At most %(n)s people in one vehicle check") % {"n": MAX_OCCUPANTS}})
    if errors or not (head_ok and rows_ok):
        template = "gates/_scan_errors.html" if request.htmx else "gates/console.html"
        return render(request, template, _console_context(request, gate, errors=errors), status=422)

    data = head.cleaned_data
    client_id = _client_id(request, data["client_id"])
    results = []
    for i, row in enumerate(rows):
        d = row.cleaned_data
        try:
            outcome = scan_record(actor=request.user, req=ScanRequest(
                gate=gate.code, direction=data["direction"], code=d["code"],
                id_number=d["id_number"].strip() or None, temperature=d["temperature"],
                plate=data["plate"] if vehicle else "",
                client_id=f"{client_id}:{i}" if client_id and vehicle else client_id, device="web console",
                via="web",
            ))
        except DomainError as exc:  # e.g. ID-number lookups paused for this user: said on the console, in words
            message = exc.field_errors[0].message if exc.field_errors else exc.message
            errors = [{"field": "code", "row": i if vehicle else "", "message": message}]
            template = "gates/_scan_errors.html" if request.htmx else "gates/console.html"
            # 422 like every refusal of input on the console, which swaps it in where the answer goes.
            return render(request, template, _console_context(request, gate, errors=errors), status=422)
        results.append(_result(outcome))
    answer = {
        "decision": "allow" if all(r["decision"] == "allow" for r in results) else "deny",
        "direction": Scan.Direction(data["direction"]), "vehicle": vehicle, "plate": data["plate"] if vehicle else "",
        "results": results, "allowed": sum(r["decision"] == "allow" for r in results),
        "fever": _fever_rule(gate) if any(r["fever"] for r in results) else None,
    }
    # The rule and what to do, once, under the reasons of the first person with a fever.
    next((r for r in results if r["fever"]), {})["show_fever_rule"] = True
    template = "gates/_answer.html" if request.htmx else "gates/console.html"
    return render(request, template, _console_context(request, gate, answer=answer))


# --- visitors -------------------------------------------------------------------------------------------


def _household(gate: Gate, text: str) -> Household | None:
    return Household.objects.filter(community_id=gate.community_id, address=text.strip()).first()


def _visitor_answer(gate: Gate, visitor: Visitor) -> dict:
    return {
        "decision": visitor.decision, "visitor": visitor, "holder": mask_name(visitor.name),
        "id_masked": visitor.id_number_masked, "reasons": _reason_texts(visitor.reasons),
        "household": visitor.household.address if visitor.household else visitor.household_text,
        "fever": _fever_rule(gate) if ScanReason.FEVER in visitor.reasons else None,
    }


@page(Perm.SCAN, within=Within.COMMUNITY)
def visitor(request, code: str):
    gate = _gate(request, code)
    form = VisitorForm(request.POST or None, initial={"plate": request.GET.get("plate", "")[:16]})
    answer = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        household = _household(gate, d["household"])
        try:
            registered = visitor_register(
                actor=request.user, gate_code=gate.code, name=d["name"], id_number=d["id_number"], phone=d["phone"],
                reason=d["reason"], temperature=d["temperature"], household=household,
                household_text="" if household else d["household"], plate=d["plate"],
            )
        except DomainError as exc:
            if not exc.field_errors:  # a refusal of the whole request goes on to the error page
                raise
            form_add_domain_error(form, exc)
        else:
            if not request.htmx:  # post/redirect/get: a reload does not register the visitor twice
                return redirect(reverse("gates:visitor", args=[gate.code]) + f"?done={registered.pk}")
            answer, form = _visitor_answer(gate, registered), VisitorForm()
    elif request.GET.get("done", "").isdigit():
        done = (Visitor.objects.for_scope(scope_of(request.user))
                .filter(pk=int(request.GET["done"]), gate=gate, guard=request.user).first())
        answer = _visitor_answer(gate, done) if done else None
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "gates/visitor.html", {"gate": gate, "form": form, "answer": answer}, status=status)


@page(Perm.SCAN, within=Within.COMMUNITY, methods=("GET", "HEAD"))
def household_options(request, code: str):
    """Addresses of the gate's community matching what the guard typed, for the visitor form's list."""
    gate = _gate(request, code)
    q = request.GET.get("household", "").strip()[:100]
    addresses = []
    if len(q) >= 2:
        addresses = list(Household.objects.filter(community_id=gate.community_id, address__icontains=q)
                         .order_by("address").values_list("address", flat=True)[:12])
    return render(request, "gates/_household_options.html", {"addresses": addresses})


# --- incidents ------------------------------------------------------------------------------------------


@page(Perm.SCAN, within=Within.COMMUNITY)
def incident(request, code: str):
    gate = _gate(request, code)
    can_revoke = role_can(request.user.role, Perm.REVOKE_PASSES)
    numbers = [n for n in request.GET.getlist("pass") if n.isdigit() and len(n) <= 24]
    # Opened from an answer: its pass, and what happened when the answer says so (?kind=fever).
    kinds = [k for k in request.GET.getlist("kind") if k in Incident.Kind.values]
    form = IncidentForm(request.POST or None, initial={"passes": " ".join(numbers), "kinds": kinds})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["revoke"] or d["ban"]:
            require(request.user, Perm.REVOKE_PASSES)
        try:
            made = incident_report(actor=request.user, gate_code=gate.code, kinds=d["kinds"],
                                   description=d["description"], pass_numbers=d["passes"], revoke=d["revoke"],
                                   ban=d["ban"])
        except DomainError as exc:
            if not exc.field_errors:
                raise
            form_add_domain_error(form, exc)
        else:
            text = _("Incident #%(n)s recorded.") % {"n": made.pk}
            if made.revoked_passes:
                text += " " + _("Revoked at every gate: %(numbers)s.") % {"numbers": ", ".join(made.revoked_passes)}
            if made.banned:
                text += " " + _("The holder is barred from the community.")
            messages.success(request, text)
            return redirect("gates:incident", code=gate.code)
    incidents = list(Incident.objects.for_scope(scope_of(request.user)).filter(community_id=gate.community_id)
                     .select_related("gate", "reported_by").prefetch_related("passes")[:20])
    labels = dict(Incident.Kind.choices)
    for i in incidents:
        i.kind_labels = [labels.get(k, k) for k in i.kinds]
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "gates/incident.html", {
        "gate": gate, "form": form, "incidents": incidents, "can_revoke": can_revoke,
    }, status=status)
