"""No date, time or number a client sends ends in a server error, on a page or in the API.

Every API operation that takes a date, a date-time, a number or an integer (found in the OpenAPI schema, so a
new endpoint is covered the day it is added) and every page form that takes one (gates, screening,
observation, the public report pages) gets a valid request with one field replaced by each of the extremes
below (0001-01-01 at +14:00, 9999-12-31, NaN, infinity, 1e308, integers past 64 bits…), then with one or two
fields replaced by values Hypothesis draws. The answer must be below 500: a 400, or the form shown again
with its error. After each batch the pages of everything it touched are rendered, so that a value stored
and then breaking a page for good (an observation extended to 9999-12-31) fails too.

Runs in about a minute on SQLite. A deeper run: FANGKONG_FUZZ_EXAMPLES=200.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cached_property
from urllib.parse import urlencode

import pytest
from django import forms
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.accounts.services import token_create
from fangkong.api import api
from fangkong.core.identifiers import id_check_char
from fangkong.gates import forms as gate_forms
from fangkong.gates.models import Gate
from fangkong.ledgers import forms as ledger_forms
from fangkong.observation import forms as observation_forms
from fangkong.observation.models import Alert
from fangkong.observation.returnees import ReportData, link_issue, report_by_office
from fangkong.observation.services import followup_record, observation_start
from fangkong.passes import forms as pass_forms
from fangkong.passes.services import pass_issue
from fangkong.registry.services import household_create
from fangkong.screening import forms as screening_forms
from fangkong.screening.services import round_create
from fangkong.workgroup.models import Member
from fangkong.workgroup.services import member_add, working_group_create

EXAMPLES = int(os.environ.get("FANGKONG_FUZZ_EXAMPLES", "0"))
API_EXAMPLES, PAGE_EXAMPLES = EXAMPLES or 10, EXAMPLES or 5
FUZZ = settings(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))

# --- the values -----------------------------------------------------------------------------------------

DATES = ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "2000-01-01", "2100-12-31"]
TIMES = ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-12:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00",
         "9999-12-31T23:59:59+14:00", "2000-01-01T00:00:00+14:00", "2100-12-31T23:59:59-12:00"]
NUMBERS = [float("nan"), float("inf"), float("-inf"), "NaN", "-Infinity", 1e308, -1e308, 10**30, -1, 5e-324]
INTEGERS = [0, -1, 2**31, 2**63, 2**64, 10**30, -(2**63) - 1, 1.5]
# The same, as typed into a page (strings; a time picker sends no seconds).
PAGE_VALUES = {
    "date": DATES[:4],
    "datetime": ["0001-01-01T00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59", "9999-12-31T23:59:59-12:00"],
    "number": ["NaN", "inf", "-Infinity", "1e308", "-1", "1" + "0" * 30],
    "integer": ["0", "-1", "9223372036854775808", "1" + "0" * 30, "-9223372036854775809"],
}
OFFSETS = ["", "Z", "+14:00", "-12:00", "+08:00", "+05:45"]


def _time(d: date, t: time, offset: str) -> str:
    return f"{d.isoformat()}T{t.isoformat()}{offset}"


API_STRATEGIES = {
    "date": st.one_of(st.sampled_from(DATES), st.dates().map(date.isoformat), st.integers()),
    "date-time": st.one_of(st.sampled_from(TIMES), st.builds(_time, st.dates(), st.times(), st.sampled_from(OFFSETS)),
                           st.integers()),
    "number": st.one_of(st.sampled_from(NUMBERS), st.floats(), st.integers(), st.decimals().map(str)),
    "integer": st.one_of(st.sampled_from(INTEGERS), st.integers(), st.floats()),
}
PAGE_STRATEGIES = {
    "date": st.one_of(st.dates().map(date.isoformat), st.text("0123456789-", max_size=12)),
    "datetime": st.builds(_time, st.dates(), st.times(), st.sampled_from(OFFSETS)),
    "number": st.one_of(st.floats().map(str), st.integers().map(str), st.decimals().map(str),
                        st.text("0123456789.,-+eE", max_size=12)),
    "integer": st.one_of(st.integers().map(str), st.floats().map(str)),
}

_serial = itertools.count(1)


def fresh_id_number() -> str:
    """A valid resident ID number not used before in this run."""
    n = next(_serial)
    first17 = f"110105198507{n // 1000 % 28 + 1:02d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


# --- what the requests aim at ---------------------------------------------------------------------------


class World:
    """The objects requests aim at, each made on first use through the real services, so that a test pays
    only for what it touches, and the valid part of a request gets past "no such observation"."""

    def __init__(self, places, personas, make_person) -> None:
        self.places, self.personas, self.make_person = places, personas, make_person
        self.today = timezone.localdate()

    @cached_property
    def resident(self):
        return self.make_person(self.places["grid1"], name="孙居民", phone="13800001111")

    @cached_property
    def candidate(self):
        """Someone not under observation, for the start form."""
        return self.make_person(self.places["grid1"], name="钱候选")

    @cached_property
    def holder(self):
        """A pass holder who is not under observation (a pass is suspended while its holder is)."""
        return self.make_person(self.places["grid1"], name="外来务工", category="floating")

    @cached_property
    def observation(self):
        return observation_start(actor=self.personas["office"], person=self.resident, kind="home", start=self.today)

    @cached_property
    def alert(self):
        followup_record(actor=self.personas["grid1"], obs=self.observation, temperature="38.6")
        return Alert.objects.get(observation=self.observation, kind="fever")

    @cached_property
    def report(self):
        return report_by_office(actor=self.personas["office"], community=self.places["home"], data=ReportData(
            from_place="湖北省", arrival_date=self.today, name="李新人", id_number=fresh_id_number()))

    @cached_property
    def round(self):
        return round_create(actor=self.personas["office"], community=self.places["home"], name="第一轮排查",
                            starts_on=date(2020, 1, 1), deadline=date(2099, 1, 1))

    @cached_property
    def gate(self):
        return Gate.objects.create(community=self.places["home"], code="east", name="东门")

    @cached_property
    def pass_(self):
        self.gate  # noqa: B018 -- the pass is scanned at this gate
        return pass_issue(actor=self.personas["office"], person=self.holder, kind="temporary",
                          valid_from=date(2020, 1, 1), valid_until=date(2099, 12, 31))

    @cached_property
    def leader(self):
        group = working_group_create(actor=self.personas["leader"], community=self.places["home"], name="防控工作组",
                                     established=date(2020, 1, 24))
        return member_add(actor=self.personas["leader"], group=group, name="带班", position=Member.Position.COMMITTEE)

    @cached_property
    def shift(self):
        from datetime import datetime

        from fangkong.gates.services import shift_add

        start = timezone.make_aware(datetime.combine(self.today + timedelta(days=2), time(8)))
        return shift_add(actor=self.personas["office"], gate=self.gate, starts_at=start,
                         ends_at=start + timedelta(hours=8), leader=self.leader)

    @cached_property
    def landlord(self):
        landlord = self.make_person(self.places["grid1"], name="王房东")
        home = household_create(actor=self.personas["admin"], community=self.places["home"], grid=self.places["grid1"],
                                building_name="9号楼", unit="1单元", room="101")
        self.make_person(self.places["grid1"], name="赵租客", household=home, landlord=landlord, relation="tenant",
                         category="tenant")
        return landlord

    @cached_property
    def landlord_token(self) -> str:
        return link_issue(actor=self.personas["office"], person=self.landlord, kind="landlord")[1]

    @cached_property
    def followup_token(self) -> str:
        return link_issue(actor=self.personas["grid1"], person=self.observation.person, kind="followup")[1]

    @cached_property
    def export(self):
        from fangkong.ledgers.services import export_request

        return export_request(actor=self.personas["admin"], ledger="gate_log", community=self.places["home"],
                              date_from=self.today, date_to=self.today, masked=True)[0]

    @cached_property
    def briefing(self):
        from fangkong.meetings.services import briefing_get_or_generate

        return briefing_get_or_generate(actor=self.personas["office"], community=self.places["home"],
                                        day=self.today, kind="morning")

    @cached_property
    def action(self):
        from fangkong.meetings.services import action_add

        return action_add(actor=self.personas["office"], briefing=self.briefing, text="东门加派志愿者")

    @cached_property
    def helpdesk_request(self):
        from fangkong.helpdesk.services import request_receive

        return request_receive(actor=self.personas["office"], community=self.places["home"], channel="phone",
                               text="楼道灯坏了请修理")

    @cached_property
    def sanitation_area(self):
        from fangkong.sanitation.models import Area

        return Area.objects.create(community=self.places["home"], kind="stairwell", name="1号楼楼道")

    @cached_property
    def merchant(self):
        from fangkong.registry.models import Merchant

        return Merchant.objects.create(community=self.places["home"], kind=Merchant.Kind.VEGETABLES, name="惠民菜店")

    @cached_property
    def vlist(self):
        from fangkong.verification.tests.helpers import sample_list

        return sample_list(actor=self.personas["street"], street=self.places["home"].street, people=[self.resident])

    def pages(self) -> list[tuple[str, str]]:
        """(client, url) of the pages that show what was made (and what the requests changed)."""
        made = self.__dict__
        urls = [("admin", "/observation/"), ("admin", "/observation/?status=all&due=on")]
        if "observation" in made:
            urls += [("admin", f"/observation/{self.observation.pk}/"), ("admin", "/observation/alerts/?status=all")]
        if "followup_token" in made:
            urls.append(("public", f"/f/{self.followup_token}/"))
        if "landlord_token" in made:
            urls.append(("public", f"/r/{self.landlord_token}/"))
        if "report" in made or "landlord_token" in made:
            urls.append(("admin", "/observation/returnees/?status=all"))
        if "round" in made:
            urls += [("admin", f"/screening/rounds/{self.round.pk}/"), ("admin", "/screening/changes/?community=C1")]
        if "gate" in made:
            urls += [("admin", "/gate/roster/"), ("admin", "/gate/east/visitor"), ("admin", "/gate/east/incident")]
            urls += [("admin", "/gate/devices/"), ("admin", "/gate/conflicts/")]
            urls.append(("admin", "/gate/roster/east/"))
        if "shift" in made:
            urls += [("admin", f"/gate/roster/shifts/{self.shift.pk}/edit"),
                     ("admin", f"/gate/roster/shifts/{self.shift.pk}/delete")]
        if "vlist" in made:
            urls += [("admin", f"/verification/{self.vlist.pk}/"),
                     ("admin", f"/verification/rows/?list={self.vlist.pk}")]
        # The dossier: every visit, observation, follow-up, pass and scan of the person.
        urls += [("admin", f"/people/{made[who].pk}/") for who in ("resident", "holder", "candidate") if who in made]
        return urls


@pytest.fixture
def world(places, personas, make_person) -> World:
    return World(places, personas, make_person)


@pytest.fixture
def clients(personas, login) -> dict[str, Client]:
    return {"admin": login("admin"), "public": Client(HTTP_ACCEPT_LANGUAGE="en"),
            "api": Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=personas['admin'])}")}


def _answered(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


def _render_pages(world: World, clients: dict[str, Client]) -> None:
    for who, url in world.pages():
        _answered(clients[who].get(url), f"GET {url} afterwards")


# --- the API, from its OpenAPI schema -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    where: str  # path, query or body
    name: str  # a parameter, or a dotted path into the body: people.0.temperature
    kind: str  # date, date-time, number or integer


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    targets: tuple[Target, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _operations() -> list[Operation]:
    """Every operation of the schema with a date, date-time, number or integer among its inputs."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]

    def resolve(node: dict) -> dict:
        return resolve(components[node["$ref"].rsplit("/", 1)[-1]]) if "$ref" in node else node

    def walk(node: dict, where: str, name: list[str], out: list[Target]) -> None:
        node = resolve(node)
        for alternative in node.get("anyOf", []):
            walk(alternative, where, name, out)
        kind = node.get("format") if node.get("format") in ("date", "date-time") else node.get("type")
        if "properties" in node:
            for key, child in node["properties"].items():
                walk(child, where, [*name, key], out)
        elif kind == "array":
            walk(node.get("items", {}), where, [*name, "0"], out)
        elif kind in ("date", "date-time", "number", "integer"):
            out.append(Target(where, ".".join(name), kind))

    found = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            targets: list[Target] = []
            for parameter in op.get("parameters", []):
                walk(parameter["schema"], parameter["in"], [parameter["name"]], targets)
            if body := op.get("requestBody"):
                for media in body["content"].values():  # JSON, or a form with a file (an uploaded list)
                    walk(media["schema"], "body", [], targets)
            if targets:
                found.append(Operation(method.upper(), path, tuple(dict.fromkeys(targets))))
    return found


OPERATIONS = _operations()


def _path_value(op: Operation, name: str, w: World) -> object:
    if name == "community":
        return "C1"
    if name == "day":
        return w.today.isoformat()
    if name == "code":
        return w.gate.code if "/gates/" in op.path else "C1"
    if name == "pk":
        return w.resident.household_id if "/households/" in op.path else w.resident.pk
    return {"round_id": lambda: w.round.pk, "obs_id": lambda: w.observation.pk, "alert_id": lambda: w.alert.pk,
            "report_id": lambda: w.report.pk, "number": lambda: w.pass_.number,
            "list_id": lambda: w.vlist.pk, "row": lambda: 1, "export_id": lambda: w.export.pk,
            "briefing_id": lambda: w.briefing.pk, "action_id": lambda: w.action.pk,
            "area_id": lambda: w.sanitation_area.pk, "merchant_id": lambda: w.merchant.pk,
            "volunteer_id": _fresh_volunteer, "req_id": lambda: w.helpdesk_request.pk}[name]()


_VOLUNTEERS = itertools.count(1)


def _fresh_volunteer() -> int:
    """A new sign-up awaiting vetting in C1 for each request: vetting is once only."""
    from fangkong.registry.models import Community
    from fangkong.volunteers.services import SignUp, volunteer_signup

    n = next(_VOLUNTEERS)
    first17 = f"37021219860606{n % 1000:03d}"
    return volunteer_signup(community=Community.objects.get(code="C1"), data=SignUp(
        name="测试", phone=f"139{n:08d}", id_number=first17 + id_check_char(first17))).pk


def _scan(w: World, **extra) -> dict:
    return {"gate": w.gate.code, "direction": "in", "code": w.pass_.number, "id_number": w.holder.id_number,
            "temperature": 36.5, **extra}


# A valid request for each operation that needs more than its path: the fuzzed field is then the only thing
# wrong with it. Made afresh for every request (ID numbers are used once).
BASELINES: dict[str, Callable[[World], dict]] = {
    "POST /api/v1/volunteers/{volunteer_id}/decline": lambda w: {"body": {"reason": "名额已满"}},
    "POST /api/v1/requests/{req_id}/answer": lambda w: {"body": {"text": "已收到"}},
    "POST /api/v1/requests/{req_id}/handle": lambda w: {"body": {"text": "已处理"}},
    "POST /api/v1/requests/{req_id}/close": lambda w: {"body": {"outcome": "已反馈"}},
    "POST /api/v1/requests": lambda w: {"body": {"community": "C1", "channel": "phone", "text": "一条请求"}},
    "POST /api/v1/supplies/movements": lambda w: {"body": {"community": "C1", "item": "gloves", "quantity": 1,
                                                           "direction": "in", "reason": "purchase"}},
    "POST /api/v1/donations": lambda w: {"body": {"community": "C1", "donor_name": "王大爷", "donor_kind": "person",
                                                  "items": [{"item": "gloves", "quantity": 1}],
                                                  "public_thanks": False}},
    "POST /api/v1/sanitation/areas/{area_id}/disinfections": lambda w: {"body": {
        "agent": "84消毒液", "dilution": "1:100", "at": (timezone.now() - timedelta(minutes=5)).isoformat()}},
    "POST /api/v1/patrols": lambda w: {"body": {
        "community": "C1", "kind": "fire_watch", "area": w.sanitation_area.pk, "people_turned_back": 0,
        "started_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "ended_at": (timezone.now() - timedelta(hours=1)).isoformat()}},
    "POST /api/v1/merchants/{merchant_id}/inspections": lambda w: {"body": {"prices": [
        {"item": "白菜", "unit": "斤", "price": "2.00"}]}},
    "POST /api/v1/exports": lambda w: {"body": {"ledger": "gate_log", "community": "C1",
                                                "date_from": w.today.isoformat(), "date_to": w.today.isoformat(),
                                                "masked": True}},
    "GET /api/v1/briefings": lambda w: {"query": {"community": "C1", "date": w.today.isoformat()}},
    "POST /api/v1/briefings/{briefing_id}/actions": lambda w: {"body": {"text": "消毒", "due": w.today.isoformat()}},
    "GET /api/v1/reports/daily": lambda w: {"query": {"community": "C1", "date": w.today.isoformat()}},
    "POST /api/v1/reports/reminders": lambda w: {"body": {"community": "C1", "date": w.today.isoformat()}},
    "POST /api/v1/verification-lists/{list_id}/rows/{row}/outcome": lambda w: {"body": {"outcome": "confirmed"}},
    "POST /api/v1/people": lambda w: {"body": {"name": "钱七", "id_number": fresh_id_number(),
                                                "household": w.resident.household_id}},
    "POST /api/v1/scans": lambda w: {"body": _scan(w)},
    "POST /api/v1/scans/batch": lambda w: {"body": {"scans": [_scan(
        w, client_id=f"batch-{next(_serial)}", scanned_at=timezone.now().isoformat())]}},
    "POST /api/v1/gates/{code}/devices/status": lambda w: {"body": {
        "device": "0b7c1e5a-1111-4c2e-9d1a-2f3e4d5c6b7a", "app_version": "0.1.0-fuzz", "queue": 2,
        "offline_minutes_today": 5, "last_sync_at": timezone.now().isoformat(), "epoch": "2026-12-03.1a2b3c4d"}},
    "POST /api/v1/screening/rounds": lambda w: {"body": {"community": "C1", "name": "第二轮", "starts_on": "2026-01-01",
                                                         "deadline": "2026-02-01", "grids": [1]}},
    "GET /api/v1/screening/rounds/{round_id}/coverage": lambda w: {"query": {"grid": 1}},
    "POST /api/v1/screening/rounds/{round_id}/visits": lambda w: {"body": {
        "household": w.resident.household_id, "outcome": "seen", "at": timezone.now().isoformat(),
        "people": [{"person": w.resident.pk, "temperature": 36.5, "returned_on": w.today.isoformat()}],
        "new_people": [{"name": "新租户", "id_number": fresh_id_number(), "temperature": 36.6,
                        "returned_on": w.today.isoformat()}]}},
    "GET /api/v1/screening/rounds/{round_id}/visits": lambda w: {"query": {"household": w.resident.household_id}},
    "POST /api/v1/travel-records": lambda w: {"body": {"person": w.resident.pk, "place": "湖北省",
                                                       "left_on": (w.today - timedelta(days=9)).isoformat(),
                                                       "returned_on": w.today.isoformat()}},
    "GET /api/v1/screening/changes": lambda w: {"query": {"community": "C1", "day": w.today.isoformat()}},
    "POST /api/v1/observations": lambda w: {"body": {"id_number": w.candidate.id_number, "kind": "home",
                                                     "start": w.today.isoformat()}},
    "POST /api/v1/observations/{obs_id}/followups": lambda w: {"body": {"temperature": 36.5,
                                                                        "at": timezone.now().isoformat()}},
    "POST /api/v1/observations/{obs_id}/extend": lambda w: {"body": {
        "planned_end": (w.observation.planned_end + timedelta(days=1)).isoformat(), "reason": "咳嗽"}},
    "POST /api/v1/observations/{obs_id}/end": lambda w: {"body": {"status": "ended_early", "reason": "转院"}},
    "POST /api/v1/alerts/{alert_id}/close": lambda w: {"body": {"action": "送发热门诊"}},
    "POST /api/v1/returnee-reports": lambda w: {"body": {
        "community": "C1", "from_place": "湖北省", "arrival_date": w.today.isoformat(), "name": "李四光",
        "id_number": fresh_id_number(), "household": w.resident.household_id}},
    "POST /api/v1/returnee-reports/{report_id}/confirm": lambda w: {"body": {"household": w.resident.household_id}},
    "POST /api/v1/returnee-reports/{report_id}/reject": lambda w: {"body": {"reason": "重复"}},
}


def _put(body: object, dotted: str, value: object) -> None:
    """Set a dotted path (people.0.temperature) in a body, making the dicts and one-item lists on the way."""
    *parents, last = dotted.split(".")
    node = body
    for key, following in zip(parents, [*parents, last][1:], strict=True):
        child = {} if not following.isdigit() else []
        if isinstance(node, list):
            if not node:
                node.append(child)
            node = node[int(key)]
        else:
            node = node.setdefault(key, child)
    if isinstance(node, list):
        node[:1] = [value]
    else:
        node[last] = value


def _call(client: Client, op: Operation, w: World, changes: dict[Target, object]) -> int:
    request = BASELINES.get(str(op), lambda _w: {})(w)
    query, body = dict(request.get("query", {})), request.get("body")
    path = op.path
    for name in re.findall(r"{(\w+)}", op.path):
        target = Target("path", name, "integer")
        path = path.replace("{" + name + "}", str(changes[target] if target in changes else _path_value(op, name, w)))
    for target, value in changes.items():
        if target.where == "query":
            query[target.name] = str(value)
        elif target.where == "body":
            body = {} if body is None else body
            _put(body, target.name, value)
    url = path + ("?" + urlencode(query) if query else "")
    what = f"{op} {url} {json.dumps(body, default=str)[:300] if body is not None else ''}"
    try:
        if body is None and op.method == "GET":
            response = client.get(url)
        else:
            response = client.generic(op.method, url, json.dumps(body if body is not None else {}),
                                      content_type="application/json")
    except Exception as exc:
        raise AssertionError(f"{what}: {exc!r}") from exc
    _answered(response, what)
    return response.status_code


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_no_api_operation_answers_a_date_or_number_with_a_server_error(op, world, clients):
    client = clients["api"]
    # The request as made is valid, so that each value below is the one thing wrong with it.
    assert _call(client, op, world, {}) < 300
    for target in op.targets:
        extremes = {"date": DATES, "date-time": TIMES, "number": NUMBERS, "integer": INTEGERS}[target.kind]
        for value in extremes:
            _call(client, op, world, {target: value})

    @settings(FUZZ, max_examples=API_EXAMPLES)
    @given(data=st.data())
    def fuzz(data):
        targets = data.draw(st.lists(st.sampled_from(op.targets), min_size=1, max_size=2, unique=True))
        _call(client, op, world, {t: data.draw(API_STRATEGIES[t.kind], label=t.name) for t in targets})

    fuzz()
    _render_pages(world, clients)


def test_the_schema_walk_finds_the_inputs_that_once_ended_in_a_500():
    by_op = {str(op): {t.name for t in op.targets} for op in OPERATIONS}
    assert "day" in by_op["GET /api/v1/screening/changes"]
    assert {"at", "temperature"} <= by_op["POST /api/v1/observations/{obs_id}/followups"]
    assert "planned_end" in by_op["POST /api/v1/observations/{obs_id}/extend"]
    assert "people.0.returned_on" in by_op["POST /api/v1/screening/rounds/{round_id}/visits"]
    assert "scans.0.scanned_at" in by_op["POST /api/v1/scans/batch"]


# --- the pages' forms -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageForm:
    name: str
    url: Callable[[World], str]
    data: Callable[[World], dict]  # a valid submission, made afresh for every request
    fields: dict[str, str]  # the date, datetime, number and integer fields: name → kind
    forms: tuple[type[forms.Form], ...] = ()  # the form classes behind it, to check nothing is left out
    method: str = "post"
    who: str = "admin"  # or "public": a personal link's page, without login


def _member(w: World) -> str:
    return f"m{w.resident.pk}"


PAGE_FORMS = [
    PageForm("ledger export", lambda w: "/ledgers/", lambda w: {
        "ledger": "gate_log", "community": "C1", "date_from": str(w.today), "date_to": str(w.today), "masked": "on"},
        {"date_from": "date", "date_to": "date"}, (ledger_forms.ExportForm,)),
    PageForm("ledger layout", lambda w: "/ledgers/layouts/gate_log/community/C1/", lambda w: {
        "title": "门岗出入记录", "shown_serial": "on", "order_serial": 1, "header_serial": "序号",
        "shown_at": "on", "order_at": 2, "header_at": "时间", "order_gate": 3, "order_direction": 4,
        "order_pass_number": 5, "order_person": 6, "order_decision": 7, "order_reasons": 8, "order_temperature": 9,
        "order_plate": 10, "order_guard": 11, "order_remarks": 12},
        {"order_serial": "integer", "order_at": "integer", "order_remarks": "integer"}, (ledger_forms.LayoutForm,)),
    PageForm("gate roster", lambda w: "/gate/roster/", lambda w: {
        "gate": w.gate.pk, "starts_at": f"{w.today + timedelta(days=1)}T08:00",
        "ends_at": f"{w.today + timedelta(days=1)}T16:00", "leader": w.leader.pk, "staff": [w.personas["guard"].pk]},
        {"starts_at": "datetime", "ends_at": "datetime", "gate": "integer", "leader": "integer", "staff": "integer"},
        (gate_forms.ShiftForm,)),
    PageForm("gate shift edit", lambda w: f"/gate/roster/shifts/{w.shift.pk}/edit", lambda w: {
        "gate": w.gate.pk, "starts_at": f"{w.today + timedelta(days=2)}T09:00",
        "ends_at": f"{w.today + timedelta(days=2)}T17:00", "leader": w.leader.pk, "staff": [w.personas["guard"].pk]},
        {"starts_at": "datetime", "ends_at": "datetime", "gate": "integer", "leader": "integer", "staff": "integer"},
        (gate_forms.ShiftForm,)),
    PageForm("gate visitor", lambda w: f"/gate/{w.gate.code}/visitor", lambda w: {
        "name": "访客", "id_number": fresh_id_number(), "phone": "13812345678", "household": "3号楼",
        "reason": "探望老人", "temperature": "36.5", "plate": ""}, {"temperature": "number"},
        (gate_forms.VisitorForm,)),
    PageForm("gate incident", lambda w: f"/gate/{w.gate.code}/incident", lambda w: {
        "kinds": ["other"], "description": "拒绝测温", "passes": w.pass_.number}, {"passes": "integer"},
        (gate_forms.IncidentForm,)),
    PageForm("gate scan console", lambda w: f"/gate/{w.gate.code}/scan", lambda w: {
        "direction": "in", "code": w.pass_.number, "id_number": w.holder.id_number, "temperature": "36.5"},
        {"temperature": "number", "code": "integer"}, (gate_forms.ScanForm, gate_forms.OccupantForm)),
    PageForm("screening round", lambda w: "/screening/", lambda w: {
        "community": "C1", "name": "第二轮", "starts_on": str(w.today), "deadline": str(w.today + timedelta(days=7)),
        "grids": [w.places["grid1"].pk]}, {"starts_on": "date", "deadline": "date", "grids": "integer"},
        (screening_forms.RoundForm,)),
    PageForm("screening visit", lambda w: f"/screening/rounds/{w.round.pk}/households/{w.resident.household_id}/visit/",
             lambda w: {"outcome": "seen", "new_count": "1", f"{_member(w)}-listed": "1",
                        f"{_member(w)}-present": "on", f"{_member(w)}-temperature": "36.5",
                        f"{_member(w)}-key_area_travel": "on", f"{_member(w)}-travel_place": "湖北省",
                        f"{_member(w)}-returned_on": str(w.today), "new0-name": "新租户",
                        "new0-id_type": "resident_id", "new0-id_number": fresh_id_number(), "new0-relation": "tenant",
                        "new0-category": "tenant", "new0-temperature": "36.6", "new0-returned_on": ""},
             {"m-temperature": "number", "m-returned_on": "date", "new0-temperature": "number",
              "new0-returned_on": "date", "new_count": "integer"},
             (screening_forms.VisitForm, screening_forms.MemberForm, screening_forms.NewPersonForm)),
    PageForm("screening daily changes", lambda w: "/screening/changes/", lambda w: {"community": "C1"},
             {"day": "date"}, (screening_forms.ChangesForm,), method="get"),
    PageForm("observation start", lambda w: "/observation/", lambda w: {
        "person": w.candidate.pk, "kind": "home", "start": str(w.today), "site": "", "responsible": ""},
        {"start": "date", "person": "integer", "site": "integer", "responsible": "integer"},
        (observation_forms.ObservationStartForm,)),
    PageForm("observation follow-up", lambda w: f"/observation/{w.observation.pk}/followup",
             lambda w: {"temperature": "36.5"}, {"temperature": "number"}, (observation_forms.FollowUpForm,)),
    PageForm("observation extension", lambda w: f"/observation/{w.observation.pk}/extend",
             lambda w: {"new_end": str(w.observation.planned_end + timedelta(days=1)), "reason": "咳嗽"},
             {"new_end": "date"}, (observation_forms.ExtendForm,)),
    # No date or number in these two: they are posted as made, and the pages they lead to must render.
    PageForm("observation end", lambda w: f"/observation/{w.observation.pk}/end",
             lambda w: {"status": "ended_early", "reason": "转院"}, {}, (observation_forms.EndForm,)),
    PageForm("observation sites", lambda w: "/observation/sites/", lambda w: {
        "street": w.places["home"].street_id, "name": "海景酒店", "capacity": "10", "rooms": "101 102"},
        {"capacity": "integer", "street": "integer"}, (observation_forms.SiteForm,)),
    PageForm("returnee report by the office", lambda w: "/observation/returnees/", lambda w: {
        "community": w.places["home"].pk, "name": "李四光", "id_number": fresh_id_number(), "from_place": "湖北省",
        "arrival_date": str(w.today)}, {"arrival_date": "date", "community": "integer"},
        (observation_forms.OfficeReportForm,)),
    PageForm("returnee confirmation", lambda w: f"/observation/returnees/{w.report.pk}/confirm",
             lambda w: {"household": w.resident.household.address}, {}, (observation_forms.ConfirmForm,)),
    PageForm("landlord link", lambda w: "/observation/links/issue",
             lambda w: {"kind": "landlord", "person": w.landlord.pk}, {"person": "integer"}),
    PageForm("public landlord report", lambda w: f"/r/{w.landlord_token}/", lambda w: {
        "tenant": "new", "name": "李四光", "id_number": fresh_id_number(), "phone": "13912345678",
        "household": w.landlord.tenancies_as_landlord.first().household_id, "from_place": "湖北省武汉市",
        "arrival_date": str(w.today)}, {"arrival_date": "date", "household": "integer", "tenant": "integer"},
        (observation_forms.LinkReportForm,), who="public"),
    PageForm("public self follow-up", lambda w: f"/f/{w.followup_token}/", lambda w: {"temperature": "36.5"},
             {"temperature": "number"}, (observation_forms.SelfFollowUpForm,), who="public"),
    PageForm("passes bulk issue by grid", lambda w: "/passes/issue/", lambda w: {
        "by": "grid", "grid": w.places["grid1"].pk, "kind": "temporary", "valid_from": str(w.today),
        "valid_until": str(w.today + timedelta(days=13))},
        {"grid": "integer", "building": "integer", "valid_from": "date", "valid_until": "date"},
        (pass_forms.BulkIssueForm,)),
    PageForm("passes bulk issue to picked people", lambda w: "/passes/issue/", lambda w: {
        "by": "picked", "community": "C1", "people": [w.resident.pk], "kind": "service",
        "valid_from": str(w.today), "valid_until": str(w.today + timedelta(days=13))},
        {"people": "integer", "valid_from": "date", "valid_until": "date"}),
    PageForm("passes picker's numbers", lambda w: "/passes/issue/", lambda w: {"by": "picked", "q": "张"},
             {"grid": "integer", "building": "integer", "person": "integer"}, (pass_forms.PickerForm,),
             method="get"),
    PageForm("pass list's numbers", lambda w: "/passes/", lambda w: {}, {"community": "integer", "page": "integer"},
             (pass_forms.PassFilterForm,), method="get"),
    PageForm("round page's numbers", lambda w: f"/screening/rounds/{w.round.pk}/", lambda w: {},
             {"grid": "integer", "page": "integer"}, method="get"),
    PageForm("observation list's numbers", lambda w: "/observation/", lambda w: {},
             {"page": "integer", "person": "integer"}, method="get"),
]


def _submit(client: Client, page: PageForm, w: World, changes: dict[str, str]) -> int:
    url, data = page.url(w), page.data(w)
    # "m-temperature": the temperature of the member block (its prefix is m<person id>)
    data.update({name.replace("m-", _member(w) + "-", 1) if name.startswith("m-") else name: value
                 for name, value in changes.items()})
    what = f"{page.method.upper()} {url} {changes}"
    try:
        send = client.get if page.method == "get" else client.post
        response = send(url, data, follow=True)  # and the page a success leads to
    except Exception as exc:
        raise AssertionError(f"{page.name}: {what}: {exc!r}") from exc
    _answered(response, f"{page.name}: {what}")
    return response.status_code


@pytest.mark.parametrize("page", PAGE_FORMS, ids=lambda p: p.name)
def test_no_page_form_answers_a_date_or_number_with_a_server_error(page, world, clients):
    client = clients[page.who]
    assert _submit(client, page, world, {}) == 200  # valid as made: each value below is the one thing wrong
    for name, kind in page.fields.items():
        for value in PAGE_VALUES[kind]:
            _submit(client, page, world, {name: value})

    if page.fields:
        @settings(FUZZ, max_examples=PAGE_EXAMPLES)
        @given(data=st.data())
        def fuzz(data):
            names = data.draw(st.lists(st.sampled_from(sorted(page.fields)), min_size=1, max_size=2, unique=True))
            _submit(client, page, world, {n: data.draw(PAGE_STRATEGIES[page.fields[n]], label=n) for n in names})

        fuzz()
    _render_pages(world, clients)


def _kind(f: forms.Field) -> str | None:
    if isinstance(f, forms.DateField | forms.DateTimeField):
        return "datetime" if isinstance(f, forms.DateTimeField) else "date"
    numeric = isinstance(f, forms.IntegerField | forms.ModelChoiceField)  # DecimalField and FloatField are too
    return "integer" if numeric or getattr(f, "coerce", None) is int else None


def test_every_form_with_a_date_or_a_number_is_fuzzed():
    """A form added to gates, screening, observation or passes with a date or number field must join PAGE_FORMS."""
    fuzzed = {form: page for page in PAGE_FORMS for form in page.forms}
    for module in (gate_forms, screening_forms, observation_forms, pass_forms):
        for form in vars(module).values():
            if not (isinstance(form, type) and issubclass(form, forms.Form) and form.__module__ == module.__name__):
                continue
            wanted = {name for name, f in form.base_fields.items() if _kind(f) or name == "temperature"}
            if not wanted or form.__name__.startswith("_") or form is screening_forms.CheckForm:
                continue  # a base class: its subclasses are checked
            assert form in fuzzed, f"{form.__name__} has {sorted(wanted)}: add it to PAGE_FORMS"
            listed = {name.split("-")[-1] for name in fuzzed[form].fields}
            assert wanted <= listed, f"{form.__name__}: {sorted(wanted - listed)} not fuzzed"
