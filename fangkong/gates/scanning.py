"""The scan: verify the card, apply the rules in order, claim the exit, record — atomically.

Statements on the normal path (the budget is 6, pinned by a test): token lookup; BEGIN; one SELECT
for the pass with its holder, ban and gate restriction; the exit claim (exits only); the INSERT of
the scan; COMMIT. Gates, the guard's scope, policy and public keys come from per-process caches
(≤ 60 s stale). A refusal is an outcome, not an exception: it is recorded like an allow.

Races (see docs/concurrency.md):
- two gates scan one temporary pass's exit at once: the claim is one conditional upsert on
  (pass, day), so the database lets exactly one through;
- a replayed client_id: the scan's INSERT hits the unique client_id, the transaction (and its
  claim) rolls back, and the first scan's decision is returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import Scope, scope_of
from fangkong.core import crypto
from fangkong.core.errors import FieldError, PermissionDenied
from fangkong.core.identifiers import normalise_id_number
from fangkong.core.localcache import TTLCache
from fangkong.gates.models import Gate, Scan
from fangkong.passes import keys, signing
from fangkong.passes.models import Ban, ExitCount, Pass
from fangkong.policy.services import policy_values_cached


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


@dataclass
class ScanOutcome:
    scan: Scan
    pass_: Pass | None
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


def _load_pass(*, gate: GateInfo, pass_id: int | None = None, number: str | None = None) -> Pass | None:
    through = Pass.gates.through
    bans = Ban.objects.filter(community_id=gate.community_id, id_number_hash=OuterRef("person__id_number_hash"),
                              lifted_at__isnull=True)
    qs = Pass.objects.select_related("person").annotate(
        restricted=Exists(through.objects.filter(pass_id=OuterRef("pk"))),
        at_gate=Exists(through.objects.filter(pass_id=OuterRef("pk"), gate_id=gate.id)),
        banned=Exists(bans),
    )
    qs = qs.filter(pk=pass_id) if pass_id is not None else qs.filter(number=number)
    return qs.first()


def _is_fever(temperature: Decimal, policy: dict) -> bool:
    threshold = Decimal(str(policy["fever_threshold"]))
    return temperature >= threshold if policy["fever_comparison"] == ">=" else temperature > threshold


def _rules(req: ScanRequest, gate: GateInfo, p: Pass, version: int | None, day: date, policy: dict) -> list[str]:
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


def _claim_exit(pass_id: int, day: date, quota: int) -> bool:
    """One conditional upsert: True if this exit fits in the day's quota. Needs SQLite ≥ 3.35 or PostgreSQL."""
    table = ExitCount._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (pass_id, day, exits) VALUES (%s, %s, 1) "  # noqa: S608 -- table name is ours
            f"ON CONFLICT (pass_id, day) DO UPDATE SET exits = {table}.exits + 1 WHERE {table}.exits < %s "
            "RETURNING exits",
            [pass_id, day, quota],
        )
        return cur.fetchone() is not None


def scan_record(*, actor: User, req: ScanRequest) -> ScanOutcome:
    gate = gate_for_scan(actor=actor, code=req.gate)
    now = timezone.now()
    when = req.scanned_at or now
    day = timezone.localdate(when)
    policy = policy_values_cached(community_id=gate.community_id, on=day)

    p: Pass | None = None
    version: int | None = None
    reasons: list[str] = []
    code = (req.code or "").strip()
    if signing.looks_signed(code):
        try:
            claim = signing.decode(code, keys.public_keys())
        except signing.BadSignature:
            reasons = ["bad_signature"]
        else:
            p = _load_pass(gate=gate, pass_id=claim.pass_id)
            version = claim.version
    else:
        number = code.replace(" ", "").replace("-", "")
        p = _load_pass(gate=gate, number=number) if number.isdigit() and len(number) <= 24 else None
    if p is None and not reasons:
        reasons = ["unknown_pass"]
    if p is not None:
        reasons = _rules(req, gate, p, version, day, policy)

    try:
        with transaction.atomic():
            conflict = False
            if not reasons and req.direction == Scan.Direction.OUT:
                quota = (policy["exit_quota"] or {}).get(p.kind)
                if quota is not None and not _claim_exit(p.id, day, int(quota)):
                    reasons = ["exit_quota_reached"]
                    # An offline device already let the person out: record it, flagged for the office.
                    conflict = req.scanned_at is not None
            scan = Scan.objects.create(
                community_id=gate.community_id, gate_id=gate.id, pass_ref=p, person_id=p.person_id if p else None,
                guard=actor, device=req.device[:64], at=now, scanned_at=req.scanned_at, direction=req.direction,
                temperature=req.temperature, plate=req.plate, decision="deny" if reasons else "allow",
                reasons=reasons, client_id=req.client_id or None, conflict=conflict,
            )
    except IntegrityError:
        if not req.client_id:
            raise
        first = Scan.objects.select_related("pass_ref__person").get(client_id=req.client_id)
        return ScanOutcome(scan=first, pass_=first.pass_ref, replayed=True, reasons=first.reasons)
    return ScanOutcome(scan=scan, pass_=p, reasons=reasons)
