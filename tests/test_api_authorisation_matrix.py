"""Every API operation × every identity × an object in scope, in another grid and in another community.

The operations come from the OpenAPI schema; what each needs is declared in one table (`OPERATIONS`): the
permission, where its object lives, the request, and the fields some roles may not see. From that table
and each persona's role and scope the test derives the answer each identity must get: no or a bad
token → 401; a role without the permission → 403; an object outside the scope → 404; otherwise an
answer that is none of those (for a write, the write's own verdict: 2xx, or 400/409 on the data). A new
endpoint without a row fails the test.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.accounts.access import Within
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import scope_of
from fangkong.core.dates import local_today
from fangkong.core.identifiers import id_check_char

PLACEMENTS = ("here", "other_grid", "other_community")


@dataclass
class Place:
    """One object of every kind, all in one grid."""

    community: object
    grid: object
    person: object
    pass_: object
    gate: object
    round: object
    observation: object
    alert: object
    report: object
    export: object = None


@dataclass(frozen=True)
class Op:
    perm: Perm | None  # None: any valid token
    within: Within = Within.NOTHING  # where the object named in the path (or the body) lives
    path: Callable[[Place], dict] = lambda p: {}
    body: Callable[[Place, int], dict] | None = None  # n: a number unique to the request
    query: Callable[[Place], dict] = lambda p: {}
    # field → the roles that see its value; the others get null (or the field is left out)
    fields: dict[str, Callable[[str], bool]] = field(default_factory=dict)
    # what an object outside the scope answers: 404 as if it did not exist; a gate answers 403 (docs/api.md)
    outside: str = "404"
    # only these personas get the object (an export: its exporter and the community's leaders); others 403
    owners: tuple[str, ...] | None = None


def _new_id(n: int) -> str:
    first17 = f"37021219850101{n % 1000:03d}"
    return first17 + id_check_char(first17)


def _vrow(p: Place) -> dict:
    """The pushed-down row of the place's person (matrix_world uploads one list per street)."""
    from fangkong.verification.models import VerificationRow

    row = VerificationRow.objects.filter(person=p.person).order_by("id").first()
    return {"list_id": row.vlist_id, "row": row.number}


def _briefing(p: Place) -> dict:
    """The place's community's morning briefing of today, generated as the administrator."""
    from fangkong.accounts.models import User
    from fangkong.meetings.services import briefing_get_or_generate

    b = briefing_get_or_generate(actor=User.objects.get(username="admin"), community=p.community,
                                 day=local_today(), kind="morning")
    return {"briefing_id": b.pk}


def _action(p: Place) -> dict:
    from fangkong.meetings.models import ActionItem

    return {"action_id": ActionItem.objects.create(community=p.community, text="矩阵测试").pk}


def _email_channel(p: Place) -> str:
    from fangkong.notices.models import Channel

    Channel.objects.get_or_create(community=p.community, name="矩阵邮件", defaults={"kind": "email"})
    return "矩阵邮件"


def _sanitation_area(p: Place) -> dict:
    from fangkong.sanitation.models import Area

    area = Area.objects.get_or_create(community=p.community, name="矩阵楼道", defaults={"kind": "stairwell"})[0]
    return {"area_id": area.pk}


def _merchant(p: Place) -> dict:
    """A vegetable shop of the place's community (one per community)."""
    from fangkong.registry.models import Merchant

    return {"merchant_id": Merchant.objects.get_or_create(community=p.community, kind="vegetables",
                                                          name="矩阵菜店")[0].pk}


def _volunteer(p: Place) -> dict:
    """A fresh sign-up awaiting vetting in the place's community (vetting is once only)."""
    from fangkong.volunteers.services import SignUp, volunteer_signup

    n = next(_counter)
    v = volunteer_signup(community=p.community, data=SignUp(name="矩阵志愿者", phone=f"139{n:08d}",
                                                             id_number=_new_id(n + 500)))
    return {"volunteer_id": v.pk}


def _help_request(p: Place) -> dict:
    """A resident's request in the place's community, logged by the administrator."""
    from fangkong.accounts.models import User
    from fangkong.helpdesk.services import request_receive

    r = request_receive(actor=User.objects.get(username="admin"), community=p.community, channel="phone",
                        text="矩阵测试请求")
    return {"req_id": r.pk}


def _reveals_id(role: str) -> bool:
    return role_can(role, Perm.REVEAL_ID_NUMBER)


def _sees_health(role: str) -> bool:
    return role_can(role, Perm.VIEW_HEALTH)


OPERATIONS: dict[str, Op] = {
    "GET /me": Op(None),
    "GET /communities": Op(None),
    "GET /grids": Op(None),
    "GET /households": Op(Perm.VIEW_REGISTRY),
    "GET /households/{pk}": Op(Perm.VIEW_REGISTRY, Within.GRID, lambda p: {"pk": p.person.household_id}),
    "GET /people": Op(Perm.VIEW_REGISTRY, fields={"age": _reveals_id}),
    "POST /people": Op(Perm.EDIT_REGISTRY, Within.GRID, body=lambda p, n: {
        "name": "新居民", "id_number": _new_id(n), "household": p.person.household_id, "relation": "other"}),
    "GET /people/{pk}": Op(Perm.VIEW_REGISTRY, Within.GRID, lambda p: {"pk": p.person.pk},
                           fields={"age": _reveals_id}),
    "GET /communities/{code}/policy": Op(Perm.VIEW_POLICY, Within.COMMUNITY, lambda p: {"code": p.community.code}),
    "GET /communities/{code}/working-group": Op(Perm.VIEW_WORKGROUP, Within.COMMUNITY,
                                                lambda p: {"code": p.community.code}),
    "POST /scans": Op(Perm.SCAN, Within.COMMUNITY, body=lambda p, n: {
        "gate": p.gate.code, "direction": "in", "code": p.pass_.number, "temperature": "36.5"}, outside="403"),
    "GET /scans": Op(Perm.VIEW_SCANS, fields={"temperature": _sees_health}),
    "POST /scans/batch": Op(Perm.SCAN, Within.COMMUNITY, body=lambda p, n: {"scans": [{
        "gate": p.gate.code, "direction": "in", "code": p.pass_.number, "temperature": "36.5",
        "client_id": f"matrix-{n}", "scanned_at": (timezone.now() - timedelta(minutes=5)).isoformat()}]},
        outside="403"),
    "GET /gates": Op(None),  # names and codes of the gates in scope: nothing personal
    "GET /gates/{code}/sync": Op(Perm.SCAN, Within.COMMUNITY, lambda p: {"code": p.gate.code}, outside="403"),
    "POST /gates/{code}/devices/status": Op(Perm.SCAN, Within.COMMUNITY, lambda p: {"code": p.gate.code},
                                            body=lambda p, n: {"device": f"0b7c1e5a-1111-4c2e-9d1a-{n:012d}",
                                                               "app_version": "0.1.0-matrix", "queue": 0},
                                            outside="403"),
    # Conflicts of offline scans: the gate register's, scoped (an empty list outside the scope).
    "GET /scans/conflicts": Op(Perm.VIEW_SCANS),
    "GET /passes": Op(Perm.VIEW_PASSES),
    "GET /passes/{number}": Op(Perm.VIEW_PASSES, Within.COMMUNITY, lambda p: {"number": p.pass_.number}),
    "POST /passes/{number}/revoke": Op(Perm.REVOKE_PASSES, Within.COMMUNITY, lambda p: {"number": p.pass_.number},
                                      body=lambda p, n: {"reason": "矩阵测试"}),
    "POST /bans": Op(Perm.REVOKE_PASSES, Within.COMMUNITY, body=lambda p, n: {
        "id_number": p.person.id_number, "reason": "矩阵测试", "community": p.community.code}),
    "GET /screening/rounds": Op(Perm.VIEW_SCREENING),
    "POST /screening/rounds": Op(Perm.MANAGE_SCREENING, Within.COMMUNITY, body=lambda p, n: {
        "community": p.community.code, "name": f"轮次{n}", "starts_on": local_today().isoformat(),
        "deadline": (local_today() + timedelta(days=3)).isoformat()}),
    "GET /screening/rounds/{round_id}/coverage": Op(Perm.VIEW_SCREENING, Within.COMMUNITY,
                                                    lambda p: {"round_id": p.round.pk}),
    "POST /screening/rounds/{round_id}/visits": Op(Perm.SCREEN, Within.GRID, lambda p: {"round_id": p.round.pk},
                                                   body=lambda p, n: {"household": p.person.household_id,
                                                                      "outcome": "nobody_home"}),
    # Who was found at which door: not for the street office, which reads coverage figures.
    "GET /screening/rounds/{round_id}/visits": Op(Perm.SCREEN, Within.COMMUNITY,
                                                  lambda p: {"round_id": p.round.pk}),
    "POST /travel-records": Op(Perm.EDIT_REGISTRY, Within.GRID, body=lambda p, n: {
        "person": p.person.pk, "place": "湖北省武汉市", "returned_on": local_today().isoformat()}),
    "GET /screening/changes": Op(Perm.SCREEN, Within.COMMUNITY, query=lambda p: {"community": p.community.code}),
    "POST /observations": Op(Perm.MANAGE_OBSERVATION, Within.GRID, body=lambda p, n: {
        "id_number": p.person.id_number, "kind": "home",
        "start": local_today().isoformat()}),
    "GET /observations": Op(Perm.VIEW_OBSERVATION),
    "GET /observations/{obs_id}": Op(Perm.VIEW_OBSERVATION, Within.GRID, lambda p: {"obs_id": p.observation.pk}),
    "POST /observations/{obs_id}/followups": Op(Perm.FOLLOW_UP, Within.GRID, lambda p: {"obs_id": p.observation.pk},
                                                body=lambda p, n: {"temperature": "36.6"}),
    "POST /observations/{obs_id}/extend": Op(Perm.MANAGE_OBSERVATION, Within.GRID,
                                             lambda p: {"obs_id": p.observation.pk},
                                             body=lambda p, n: {"planned_end": (p.observation.planned_end
                                                                                + timedelta(days=1)).isoformat(),
                                                                "reason": "矩阵测试"}),
    "POST /observations/{obs_id}/end": Op(Perm.MANAGE_OBSERVATION, Within.GRID,
                                          lambda p: {"obs_id": p.observation.pk},
                                          body=lambda p, n: {"status": "completed"}),
    "GET /alerts": Op(Perm.VIEW_OBSERVATION),
    "POST /alerts/{alert_id}/acknowledge": Op(Perm.FOLLOW_UP, Within.GRID, lambda p: {"alert_id": p.alert.pk}),
    "POST /alerts/{alert_id}/close": Op(Perm.FOLLOW_UP, Within.GRID, lambda p: {"alert_id": p.alert.pk},
                                        body=lambda p, n: {"action": "已电话联系"}),
    "GET /returnee-reports": Op(Perm.VIEW_OBSERVATION),
    "POST /returnee-reports": Op(Perm.CONFIRM_RETURNEES, Within.GRID, body=lambda p, n: {
        "community": p.community.code, "from_place": "湖北省孝感市", "arrival_date": local_today().isoformat(),
        "person": p.person.pk}),
    "POST /returnee-reports/{report_id}/confirm": Op(Perm.CONFIRM_RETURNEES, Within.GRID,
                                                     lambda p: {"report_id": p.report.pk}, body=lambda p, n: {}),
    "POST /returnee-reports/{report_id}/reject": Op(Perm.CONFIRM_RETURNEES, Within.GRID,
                                                    lambda p: {"report_id": p.report.pk},
                                                    body=lambda p, n: {"reason": "矩阵测试"}),
    "GET /observation-sites": Op(Perm.VIEW_OBSERVATION),
    "GET /ledgers": Op(None),  # the ledgers the role may export (none for others) and their layouts
    "GET /exports": Op(Perm.EXPORT_LEDGERS),
    "POST /exports": Op(Perm.EXPORT_LEDGERS, Within.COMMUNITY, body=lambda p, n: {
        "ledger": "daily_report", "community": p.community.code, "date_from": local_today().isoformat(),
        "date_to": local_today().isoformat()}),
    "GET /exports/{export_id}": Op(Perm.EXPORT_LEDGERS, Within.COMMUNITY, lambda p: {"export_id": p.export.pk},
                                   owners=("admin", "leader", "outsider")),
    "GET /exports/{export_id}/file": Op(Perm.EXPORT_LEDGERS, Within.COMMUNITY,
                                        lambda p: {"export_id": p.export.pk}, owners=("admin", "leader", "outsider")),
    "GET /requests": Op(Perm.VIEW_REQUESTS),
    "POST /requests": Op(Perm.HANDLE_REQUESTS, Within.COMMUNITY, body=lambda p, n: {
        "community": p.community.code, "channel": "phone", "text": f"矩阵测试请求{n}"}),
    "GET /requests/{req_id}": Op(Perm.VIEW_REQUESTS, Within.COMMUNITY, _help_request),
    "POST /requests/{req_id}/answer": Op(Perm.HANDLE_REQUESTS, Within.COMMUNITY, _help_request,
                                         body=lambda p, n: {"text": "已收到"}),
    "POST /requests/{req_id}/handle": Op(Perm.HANDLE_REQUESTS, Within.COMMUNITY, _help_request,
                                         body=lambda p, n: {"text": "已处理"}),
    "POST /requests/{req_id}/close": Op(Perm.HANDLE_REQUESTS, Within.COMMUNITY, _help_request,
                                        body=lambda p, n: {"outcome": "已反馈"}),
    "GET /notices": Op(Perm.MANAGE_NOTICES, Within.COMMUNITY, query=lambda p: {"community": p.community.code}),
    "POST /messages": Op(Perm.SEND_MESSAGES, Within.COMMUNITY, body=lambda p, n: {
        "community": p.community.code, "channel": _email_channel(p), "text": f"矩阵测试{n}",
        "recipients": ["matrix@example.org"]}),
    "GET /supplies/items": Op(Perm.VIEW_SUPPLIES),
    "GET /supplies/stock": Op(Perm.VIEW_SUPPLIES, Within.COMMUNITY, query=lambda p: {"community": p.community.code}),
    "POST /supplies/movements": Op(Perm.MANAGE_SUPPLIES, Within.COMMUNITY, body=lambda p, n: {
        "community": p.community.code, "item": "gloves", "quantity": 1, "direction": "in", "reason": "purchase"}),
    "POST /donations": Op(Perm.MANAGE_SUPPLIES, Within.COMMUNITY, body=lambda p, n: {
        "community": p.community.code, "donor_name": f"矩阵捐赠{n}", "donor_kind": "person",
        "items": [{"item": "gloves", "quantity": 1}], "public_thanks": False}),
    "GET /sanitation/areas": Op(Perm.VIEW_SANITATION),
    "POST /sanitation/areas/{area_id}/disinfections": Op(Perm.LOG_SANITATION, Within.COMMUNITY, _sanitation_area,
                                                         body=lambda p, n: {"agent": "84消毒液", "dilution": "1:100"}),
    "POST /patrols": Op(Perm.LOG_SANITATION, Within.COMMUNITY, body=lambda p, n: {
        "community": p.community.code, "kind": "fire_watch",
        "started_at": (timezone.now() - timedelta(hours=1)).isoformat()}),
    "GET /merchants": Op(Perm.VIEW_SHOPS, query=lambda p: {"kind": "vegetables"}),
    "POST /merchants/{merchant_id}/inspections": Op(Perm.MANAGE_SHOPS, Within.COMMUNITY, _merchant,
                                                    body=lambda p, n: {"prices": [
                                                        {"item": "白菜", "unit": "斤", "price": "2.00"}]}),
    "GET /volunteers": Op(Perm.VIEW_VOLUNTEERS),
    "POST /volunteers/{volunteer_id}/accept": Op(Perm.MANAGE_VOLUNTEERS, Within.COMMUNITY, _volunteer,
                                                 body=lambda p, n: {}),
    "POST /volunteers/{volunteer_id}/decline": Op(Perm.MANAGE_VOLUNTEERS, Within.COMMUNITY, _volunteer,
                                                  body=lambda p, n: {"reason": "矩阵测试"}),
    "GET /dashboard": Op(Perm.VIEW_DASHBOARD, Within.COMMUNITY, query=lambda p: {"community": p.community.code}),
    "GET /briefings": Op(Perm.VIEW_MEETINGS, Within.COMMUNITY, query=lambda p: {"community": p.community.code}),
    "POST /briefings/{briefing_id}/actions": Op(Perm.EDIT_MEETINGS, Within.COMMUNITY, _briefing,
                                                body=lambda p, n: {"text": f"矩阵测试{n}"}),
    # The editors tick any action in scope; others only their own (the sample has no owner).
    "POST /actions/{action_id}/done": Op(Perm.VIEW_MEETINGS, Within.COMMUNITY, _action,
                                         owners=("admin", "leader", "office", "outsider")),
    "GET /actions": Op(Perm.VIEW_MEETINGS),
    "GET /meetings": Op(Perm.VIEW_MEETINGS),
    "GET /plans": Op(Perm.VIEW_MEETINGS),
    "GET /reports/daily": Op(Perm.VIEW_REPORTS, Within.COMMUNITY, query=lambda p: {"community": p.community.code}),
    "GET /reports/daily/status": Op(Perm.VIEW_REPORTS),
    "POST /reports/daily/{community}/{day}/submit": Op(
        Perm.SUBMIT_REPORTS, Within.COMMUNITY,
        lambda p: {"community": p.community.code, "day": local_today().isoformat()},
        body=lambda p, n: {"correction_reason": f"矩阵测试{n}"}),
    "POST /reports/daily/{community}/{day}/typed": Op(
        Perm.EDIT_REPORTS, Within.COMMUNITY,
        lambda p: {"community": p.community.code, "day": local_today().isoformat()},
        body=lambda p, n: {"problems": "矩阵测试"}),
    "POST /reports/reminders": Op(Perm.REMIND_REPORTS, Within.COMMUNITY, body=lambda p, n: {
        "community": p.community.code, "date": local_today().isoformat()}),
    "POST /verification-lists": Op(Perm.UPLOAD_VERIFICATION),
    "GET /verification-lists": Op(Perm.VIEW_VERIFICATION),
    "GET /verification-lists/{list_id}": Op(Perm.VIEW_VERIFICATION, Within.COMMUNITY,
                                            lambda p: {"list_id": _vrow(p)["list_id"]}),
    "GET /verification-lists/{list_id}/rows": Op(Perm.VIEW_VERIFICATION, Within.COMMUNITY,
                                                 lambda p: {"list_id": _vrow(p)["list_id"]}),
    "POST /verification-lists/{list_id}/rows/{row}/outcome": Op(Perm.CHECK_VERIFICATION, Within.COMMUNITY, _vrow,
                                                                body=lambda p, n: {"outcome": "confirmed"}),
}


def schema_operations() -> list[str]:
    from fangkong.api import api

    paths = api.get_openapi_schema(path_prefix="")["paths"]
    return sorted(f"{method.upper()} {path}" for path, ops in paths.items() for method in ops)


def test_every_operation_has_a_row():
    assert sorted(OPERATIONS) == schema_operations()


@pytest.fixture
def matrix_world(places, personas, make_person):
    from fangkong.gates.models import Gate
    from fangkong.gates.scanning import ScanRequest, scan_record
    from fangkong.observation.returnees import ReportData, report_by_office
    from fangkong.observation.services import followup_record, observation_start
    from fangkong.passes.services import pass_issue
    from fangkong.screening.services import round_create

    admin = personas["admin"]

    def place(grid, tag: str) -> Place:
        community = grid.community
        person = make_person(grid, name=f"样本{tag}")
        neighbour = make_person(grid, name=f"邻居{tag}")
        gate = Gate.objects.get_or_create(community=community, code=f"{community.code.lower()}-gate",
                                          defaults={"name": "门岗", "kind": Gate.Kind.BOTH})[0]
        rnd = round_create(actor=admin, community=community, name=f"轮次{tag}", starts_on=local_today(),
                           deadline=local_today() + timedelta(days=5))
        obs = observation_start(actor=admin, person=person, kind="home", start=local_today() - timedelta(days=1),
                                reason="样本")
        followup_record(actor=admin, obs=obs, temperature="38.1")
        report = report_by_office(actor=admin, community=community, data=ReportData(
            from_place="湖北省武汉市", arrival_date=local_today(), person_id=neighbour.pk))
        pass_ = pass_issue(actor=admin, person=neighbour, kind="resident", valid_from=local_today(),
                           valid_until=local_today() + timedelta(days=30))
        # A feverish arrival at the gate: the register holds a temperature and a health reason.
        scan_record(actor=admin, req=ScanRequest(gate=gate.code, direction="in", code=pass_.number,
                                                 temperature=Decimal("38.2")))
        from fangkong.ledgers.services import export_request

        export = export_request(actor=admin, ledger="gate_log", community=community, date_from=local_today(),
                                date_to=local_today(), masked=True)[0]
        return Place(community, grid, person, pass_, gate, rnd, obs, obs.alerts.get(), report, export)

    from fangkong.verification.tests.helpers import sample_list

    world = {"here": place(places["grid1"], "一"), "other_grid": place(places["grid2"], "二"),
             "other_community": place(places["far"].grids.get(), "九")}
    sample_list(actor=admin, street=places["home"].street,
                people=[world["here"].person, world["other_grid"].person])
    sample_list(actor=admin, street=places["far"].street, people=[world["other_community"].person])
    return world


def expected(op: Op, role: str | None, scope, where: Place) -> str:
    if role is None:
        return "401"
    if op.perm is not None and not role_can(role, op.perm):
        return "403"
    if op.within == Within.GRID and not scope.covers_grid(where.community.pk, where.grid.pk):
        return op.outside
    if op.within == Within.COMMUNITY and not scope.covers_community(where.community.pk):
        return op.outside
    return "ok"


# A write whose body names something outside the scope is refused on that field, as if it did not exist.
UNKNOWN_CODES = {"unknown_household", "unknown_person", "unknown_gate", "unknown_pass", "not_found",
                 "id_number_unavailable"}


def verdict(response) -> str:
    status = response.status_code
    assert status < 500, f"a server error: {status}"
    if status in (401, 403, 404):
        return str(status)
    if status == 400:
        body = response.json()
        codes = {body.get("code")} | {e.get("code") for e in body.get("errors", [])}
        if codes & UNKNOWN_CODES:
            return "404"
    return "ok"


_counter = itertools.count(1)


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_every_operation_for_every_identity_and_place(operation, matrix_world, personas, api_client):
    method, path = operation.split(" ", 1)
    op = OPERATIONS[operation]
    identities = {"no token": Client(), "bad token": Client(HTTP_AUTHORIZATION="Bearer fk_not-a-token"),
                  **{name: api_client(name) for name in personas}}
    got, want = {}, {}
    for where_name in PLACEMENTS if op.within != Within.NOTHING else ("here",):
        where = matrix_world[where_name]
        url = "/api/v1" + path.format(**op.path(where))
        for who, client in identities.items():
            user = personas.get(who)
            if method == "GET":
                response = client.get(url, op.query(where))
            else:
                body = op.body(where, next(_counter)) if op.body else {}
                response = client.post(url, body, content_type="application/json")
            key = f"{where_name} {who}"
            got[key] = verdict(response)
            want[key] = expected(op, user.role if user else None, scope_of(user) if user else None, where)
            if want[key] == "ok" and op.owners is not None and who not in op.owners:
                want[key] = "403"
            if got[key] == "ok" and method == "GET" and op.fields and response.status_code == 200:
                body = response.json()
                rows = body["items"] if isinstance(body, dict) and "items" in body else body
                rows = rows if isinstance(rows, list) else [rows]
                for name, sees in op.fields.items():
                    shown = [row.get(name) for row in rows if row.get(name) is not None]
                    if sees(user.role):
                        assert shown or not rows, f"{who} does not see {name} in {operation}"
                    else:
                        assert not shown, f"{who} sees {name} in {operation}"
    mismatched = {k: (got[k], want[k]) for k in got if got[k] != want[k]}
    assert not mismatched, f"(got, expected) for {operation}: {mismatched}"


@pytest.mark.parametrize("operation", [o for o in sorted(OPERATIONS) if o.startswith("GET ") and "{" not in o])
def test_lists_hold_nothing_from_outside_the_scope(operation, matrix_world, personas, api_client):
    """What a list shows for another community's objects: never their ids, names or numbers."""
    far = matrix_world["other_community"]
    secrets = {far.person.name, far.pass_.number}
    # The community's code as a word ("C9", "C9/1"): two characters such as "C9" also turn up by chance
    # inside a signed QR's base64 text, which a leader's pass list carries.
    code = re.compile(rf"(?<![A-Za-z0-9+/=_-]){re.escape(far.community.code)}(?![A-Za-z0-9])")
    for who in personas:
        if who in ("admin", "outsider"):
            continue  # the administrator sees everything; the outsider's scope is that community
        response = api_client(who).get("/api/v1" + operation.split(" ", 1)[1],
                                       OPERATIONS[operation].query(matrix_world["here"]))
        if response.status_code == 200:
            text = response.content.decode()
            leaked = {s for s in secrets if s and s in text} | set(code.findall(text))
            assert not leaked, f"{who} reads {leaked} in {operation}"
