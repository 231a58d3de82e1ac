"""The scan: verify the card, apply the rules in order, claim the exit, record — atomically.

Statements on the normal path (the budget is 6, pinned by a test): the token lookup; one SELECT for
the pass with its holder, ban and gate restriction; then the record. On PostgreSQL the record is a
single statement, the exit claim (exits only) and the INSERT of the scan in one, committed on its
own (autocommit): 3 statements and 3 round trips a scan. Elsewhere (SQLite) it is BEGIN, the claim,
the INSERT, COMMIT. Gates, the guard's scope, policy and public keys come from per-process caches
(≤ 60 s stale). A refusal is an outcome, not an exception: it is recorded like an allow.

Races (see docs/concurrency.md):
- two gates scan one temporary pass's exit at once: the claim is one conditional upsert on
  (pass, day), so the database lets exactly one through;
- a replayed client_id: the scan's INSERT hits the unique client_id, the statement (or the
  transaction) and with it the claim rolls back, and the first scan's decision is returned.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import Scope, scope_of
from fangkong.core import crypto
from fangkong.core.db import binding_cursor
from fangkong.core.errors import FieldError, PermissionDenied
from fangkong.core.health import is_fever
from fangkong.core.identifiers import normalise_id_number
from fangkong.core.localcache import TTLCache
from fangkong.gates.models import Gate, Scan
from fangkong.passes import keys, signing
from fangkong.passes.models import ExitCount, Pass
from fangkong.policy.selectors import policy_values_cached


@dataclass(frozen=True)
class GateInfo:
    id: int
    community_id: int
    code: str
    kind: str


@dataclass
class ScanRequest:
    gate: str
    direction: str
    code: str
    id_number: str | None = None
    temperature: Decimal | None = None
    plate: str = ""
    client_id: str | None = None
    scanned_at: datetime | None = None
    device: str = ""


@dataclass(frozen=True, slots=True)
class RecordedScan:
    """What the answer to a scan needs of the row written: building a `Scan` model instance for it
    cost about 7 % of a scan's instructions in-process (docs/performance.md)."""

    id: int
    decision: str
    reasons: list[str]
    at: datetime
    conflict: bool
    temperature: Decimal | None

    @property
    def pk(self) -> int:
        return self.id

    @classmethod
    def of(cls, scan: Scan) -> RecordedScan:
        return cls(scan.pk, scan.decision, scan.reasons, scan.at, scan.conflict, scan.temperature)


@dataclass
class ScanOutcome:
    scan: RecordedScan
    pass_: PassRow | None
    replayed: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def decision(self) -> str:
        return self.scan.decision


_gates: TTLCache[GateInfo | None] = TTLCache(60.0)
_scopes: TTLCache[Scope] = TTLCache(30.0)


def gate_for_scan(*, actor: User, code: str) -> GateInfo:
    def load() -> GateInfo | None:
        g = Gate.objects.filter(code=code).values_list("id", "community_id", "code", "kind").first()
        return GateInfo(*g) if g else None

    gate = _gates.get_or_set(code, load)
    if gate is None:
        raise FieldError("gate", "unknown_gate", _("No such gate"))
    scope = _scopes.get_or_set(actor.pk, lambda: scope_of(actor))
    if not role_can(actor.role, Perm.SCAN) or not scope.covers_community(gate.community_id):
        raise PermissionDenied(_("This gate is outside your scope"))
    return gate


@dataclass(frozen=True)
class Holder:
    id: int
    name: str
    id_number_hash: str | None
    id_number_masked: str


@dataclass(frozen=True)
class PassRow:
    """What a scan needs of a pass, read in one statement (the ORM's query compiler costs more than
    the query itself on this path: see docs/decisions/0006-raw-sql-on-the-scan-path.md)."""

    id: int
    community_id: int
    number: str
    kind: str
    status: str
    version: int
    valid_from: date
    valid_until: date
    person_id: int
    person: Holder
    restricted: bool = False
    at_gate: bool = False
    banned: bool = False


_PASS_SQL = """
SELECT p.id, p.community_id, p.number, p.kind, p.status, p.version, p.valid_from, p.valid_until, p.person_id,
       h.name, h.id_number_hash, h.id_number_masked,
       EXISTS (SELECT 1 FROM passes_pass_gates g WHERE g.pass_id = p.id),
       EXISTS (SELECT 1 FROM passes_pass_gates g WHERE g.pass_id = p.id AND g.gate_id = %s),
       EXISTS (SELECT 1 FROM passes_ban b WHERE b.community_id = %s AND b.id_number_hash = h.id_number_hash
               AND b.lifted_at IS NULL)
FROM passes_pass p JOIN registry_person h ON h.id = p.person_id
WHERE p.{column} = %s
"""  # noqa: S105 -- a query, not a password
_PASS_BY_ID = _PASS_SQL.format(column="id")
_PASS_BY_NUMBER = _PASS_SQL.format(column="number")


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _load_pass(cur, *, gate: GateInfo, pass_id: int | None = None, number: str | None = None) -> PassRow | None:
    sql, key = (_PASS_BY_ID, pass_id) if pass_id is not None else (_PASS_BY_NUMBER, number)
    cur.execute(sql, [gate.id, gate.community_id, key])
    row = cur.fetchone()
    if row is None:
        return None
    return PassRow(
        id=row[0], community_id=row[1], number=row[2], kind=row[3], status=row[4], version=row[5],
        valid_from=_as_date(row[6]), valid_until=_as_date(row[7]), person_id=row[8],
        person=Holder(row[8], row[9], row[10], row[11]),
        restricted=bool(row[12]), at_gate=bool(row[13]), banned=bool(row[14]),
    )


def pass_row(p: Pass) -> PassRow:
    return PassRow(p.id, p.community_id, p.number, p.kind, p.status, p.version, p.valid_from, p.valid_until,
                   p.person_id, Holder(p.person_id, p.person.name, p.person.id_number_hash, p.person.id_number_masked))


_SCAN_COLUMNS = ("community_id", "gate_id", "pass_id", "person_id", "guard_id", "device", "at", "scanned_at",
                 "direction", "temperature", "plate", "decision", "reasons", "client_id", "conflict")
_INSERT_SCAN = (f"INSERT INTO gates_scan ({', '.join(_SCAN_COLUMNS)}) "  # noqa: S608 -- constant column names
                f"VALUES ({', '.join(['%s'] * len(_SCAN_COLUMNS))}) RETURNING id")


def _insert_scan(cur, values: dict) -> int:
    ops = connection.ops
    params = [values[c] for c in _SCAN_COLUMNS]
    params[6] = ops.adapt_datetimefield_value(params[6])  # at
    params[7] = ops.adapt_datetimefield_value(params[7])  # scanned_at
    params[9] = ops.adapt_decimalfield_value(params[9], 3, 1)  # temperature
    params[12] = json.dumps(params[12])  # reasons
    cur.execute(_INSERT_SCAN, params)
    return cur.fetchone()[0]


def _is_fever(temperature: Decimal, policy: dict) -> bool:
    return is_fever(temperature, threshold=policy["fever_threshold"], comparison=policy["fever_comparison"])


def _rules(req: ScanRequest, gate: GateInfo, p: PassRow, version: int | None, day: date, policy: dict) -> list[str]:
    """The rules in order; every reason that applies is returned (the guard sees them all)."""
    reasons = []
    if p.status == Pass.Status.REVOKED or (version is not None and version != p.version):
        reasons.append("pass_revoked")
    if day > p.valid_until:
        reasons.append("pass_expired")
    if day < p.valid_from:
        reasons.append("pass_not_yet_valid")
    if p.community_id != gate.community_id or (p.restricted and not p.at_gate):
        reasons.append("gate_not_allowed")
    if p.banned:
        reasons.append("banned")
    if req.id_number:
        if crypto.blind_index("id", normalise_id_number(req.id_number)) != p.person.id_number_hash:
            reasons.append("id_mismatch")
    elif p.kind in policy["id_required"]:
        reasons.append("id_required")
    if p.status == Pass.Status.SUSPENDED and req.direction == Scan.Direction.OUT:
        reasons.append("under_observation")
    if req.direction == Scan.Direction.IN:
        if req.temperature is None:
            reasons.append("temperature_required")
        elif _is_fever(req.temperature, policy):
            reasons.append("fever")
    return reasons


_EXITS = ExitCount._meta.db_table
_CLAIM = (f"INSERT INTO {_EXITS} (pass_id, day, exits) VALUES (%s, %s, 1) "  # noqa: S608 -- table name is ours
          f"ON CONFLICT (pass_id, day) DO UPDATE SET exits = {_EXITS}.exits + 1 WHERE {_EXITS}.exits < %s")
_CLAIM_EXIT = _CLAIM + " RETURNING exits"

# PostgreSQL: the claim and the record in one statement. A data-modifying WITH runs exactly once and
# the INSERT sees its RETURNING rows, so the scan is allowed if the claim returned one and denied
# with exit_quota_reached (flagged as a conflict when it came from an offline device) if not. One
# statement is atomic without BEGIN/COMMIT: a replayed client_id fails it whole, the claim too.
_QUOTA_REASONS = json.dumps(["exit_quota_reached"])
_COLUMNS_BUT_OUTCOME = [c for c in _SCAN_COLUMNS if c not in ("decision", "reasons", "conflict")]
_CLAIM_AND_INSERT = (
    f"WITH claim AS ({_CLAIM} RETURNING 1) "  # noqa: S608 -- constant table and column names
    f"INSERT INTO gates_scan ({', '.join(_COLUMNS_BUT_OUTCOME)}, decision, reasons, conflict) "
    f"VALUES ({', '.join(['%s'] * len(_COLUMNS_BUT_OUTCOME))}, "
    "CASE WHEN EXISTS (SELECT 1 FROM claim) THEN 'allow' ELSE 'deny' END, "
    f"CASE WHEN EXISTS (SELECT 1 FROM claim) THEN '[]'::jsonb ELSE '{_QUOTA_REASONS}'::jsonb END, "
    "%s AND NOT EXISTS (SELECT 1 FROM claim)) RETURNING id, decision"
)


def _claim_exit(cur, pass_id: int, day: date, quota: int) -> bool:
    """One conditional upsert: True if this exit fits in the day's quota. Needs SQLite ≥ 3.35 or PostgreSQL."""
    cur.execute(_CLAIM_EXIT, [pass_id, day, quota])
    return cur.fetchone() is not None


def _record(cur, values: dict, claim: tuple[int, date, int] | None, offline: bool) -> int:
    """Write the scan, claiming the exit first if `claim` (pass id, day, quota) is given; when the
    quota is used up, `values` becomes the denial. Returns the scan's id."""
    if claim is None:
        return _insert_scan(cur, values)
    postgres = connection.vendor == "postgresql"
    if postgres:
        ops = connection.ops
        params = [values[c] for c in _COLUMNS_BUT_OUTCOME]
        params[6] = ops.adapt_datetimefield_value(params[6])  # at
        params[7] = ops.adapt_datetimefield_value(params[7])  # scanned_at
        params[9] = ops.adapt_decimalfield_value(params[9], 3, 1)  # temperature
        cur.execute(_CLAIM_AND_INSERT, [*claim, *params, offline])
        scan_id, decision = cur.fetchone()
        allowed = decision == "allow"
    else:
        allowed = _claim_exit(cur, *claim)
    if not allowed:
        # An offline device already let the person out: record it, flagged for the office.
        values.update(decision="deny", reasons=["exit_quota_reached"], conflict=offline)
    return scan_id if postgres else _insert_scan(cur, values)


def _atomic_record():
    """On PostgreSQL the record is one statement, atomic by itself: no BEGIN/COMMIT round trips unless
    the caller already holds a transaction (a savepoint then keeps a failed INSERT from aborting it).
    Elsewhere the claim and the INSERT are two statements, so a transaction."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return nullcontext()
    return transaction.atomic()


def scan_record(*, actor: User, req: ScanRequest) -> ScanOutcome:
    gate = gate_for_scan(actor=actor, code=req.gate)
    now = timezone.now()
    when = req.scanned_at or now
    day = timezone.localdate(when)
    policy = policy_values_cached(community_id=gate.community_id, on=day)

    p: PassRow | None = None
    version: int | None = None
    reasons: list[str] = []
    code = (req.code or "").strip()
    # One cursor for the scan's statements, binding parameters server-side on PostgreSQL (fangkong/core/db.py).
    with binding_cursor() as cur:
        if signing.looks_signed(code):
            try:
                claim = signing.decode(code, keys.public_keys())
            except signing.BadSignature:
                reasons = ["bad_signature"]
            else:
                p = _load_pass(cur, gate=gate, pass_id=claim.pass_id)
                version = claim.version
        else:
            number = code.replace(" ", "").replace("-", "")
            p = _load_pass(cur, gate=gate, number=number) if number.isdigit() and len(number) <= 24 else None
        if p is None and not reasons:
            reasons = ["unknown_pass"]
        if p is not None:
            reasons = _rules(req, gate, p, version, day, policy)

        exit_claim = None
        if not reasons and req.direction == Scan.Direction.OUT:
            quota = (policy["exit_quota"] or {}).get(p.kind)
            if quota is not None:
                exit_claim = (p.id, day, int(quota))
        values = dict(
            community_id=gate.community_id, gate_id=gate.id, pass_id=p.id if p else None,
            person_id=p.person_id if p else None, guard_id=actor.pk, device=req.device[:64], at=now,
            scanned_at=req.scanned_at, direction=req.direction, temperature=req.temperature,
            plate=req.plate, decision="deny" if reasons else "allow", reasons=reasons,
            client_id=req.client_id or None, conflict=False,
        )
        try:
            with _atomic_record():
                scan_id = _record(cur, values, exit_claim, offline=req.scanned_at is not None)
        except IntegrityError:
            if not req.client_id:
                raise
            first = Scan.objects.select_related("pass_ref__person").get(client_id=req.client_id)
            row = pass_row(first.pass_ref) if first.pass_ref else None
            return ScanOutcome(scan=RecordedScan.of(first), pass_=row, replayed=True, reasons=first.reasons)
    scan = RecordedScan(scan_id, values["decision"], values["reasons"], values["at"], values["conflict"],
                        values["temperature"])
    return ScanOutcome(scan=scan, pass_=p, reasons=values["reasons"])
