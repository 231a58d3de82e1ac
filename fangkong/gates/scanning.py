"""The scan: verify the card, apply the rules in order, claim the exit, record — atomically.

Statements on the normal path (the budget is 6, pinned by a test): the token lookup; one SELECT for
the pass with its holder, ban and gate restriction; then the record. On PostgreSQL the record is a
single statement, the exit claim (exits only) and the INSERT of the scan in one, committed on its
own (autocommit): 3 statements and 3 round trips a scan. Elsewhere (SQLite) it is BEGIN, the claim,
the INSERT, COMMIT. The SQL is in `gates.scan_sql`; what an exit over the quota records is decided
here (`_over_quota`), once. Gates, the guard's scope, policy and public keys come from per-process caches
(≤ 60 s stale). A refusal is an outcome, not an exception: it is recorded like an allow.

Races (see docs/concurrency.md):
- two gates scan one temporary pass's exit at once: the claim is one conditional upsert on
  (pass, day), so the database lets exactly one through;
- a replayed client_id: the scan's INSERT hits the unique (guard, client_id), the statement (or the
  transaction) and with it the claim rolls back, and the first scan's decision is returned. A
  client_id is the user's own: another user's identical one is a new scan, never their answer.

A pass of another community is answered as a number that does not exist (`unknown_pass`, nothing of
the pass or its holder, no ID comparison): a gate is not a lookup of other communities' passes.

The ID card as the key: an 18-character code whose first 17 characters are digits is a resident ID
number (an ID-card reader that types like a keyboard, or typed by hand), never a pass number (8
digits). Its checksum and birth date are checked (`code`: `id_checksum`, `id_format`, `id_birth_date`,
a 400), and the holder's pass is looked up through the blind index among this gate's community's
passes (`_pass_for_id_number`, the rule that picks one of several there). The card is then the ID
shown: the ID requirement is met in the same step. Such a lookup is an exact search by ID number,
guarded like every other one (`registry.identifier_search`: audited, a miss counts against the
guard's budget, a blocked guard gets 429 `search_blocked`); the number itself is neither logged nor
stored, the scan records the pass found like any other. Nobody found, someone of another community,
or no pass that is not revoked: `unknown_pass`, as for a number that does not exist. The QR and pass
number paths are not touched by it.

A refusal for fever is announced after its commit (`gates.signals.fever_refused`), for observation
to open a `gate_fever` alert; nothing else is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.scope import Scope, scope_of
from fangkong.core import crypto, health
from fangkong.core.db import binding_cursor
from fangkong.core.errors import FieldError, PermissionDenied
from fangkong.core.identifiers import normalise_id_number, parse_resident_id
from fangkong.core.localcache import TTLCache
from fangkong.gates.errors import GateCode, ScanReason
from fangkong.gates.models import Gate, Scan
from fangkong.gates.offline_keys import id_hash_matches
from fangkong.gates.scan_sql import PassRow, atomic_record, load_pass, pass_row, record_scan
from fangkong.gates.signals import fever_refused_announce
from fangkong.passes import keys, signing
from fangkong.passes.models import Pass
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.identifier_search import identifier_search_check, identifier_search_record


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
    via: str = ""  # the audit's channel of an ID-number lookup: "web" or "api"; empty: "web" for the web console
    # An offline device's scan (docs/offline-gate.md): the ID number as the device hashed it with the feed's
    # key of `id_epoch` instead of the number itself, and what the device answered at the gate.
    id_number_hash: str | None = None
    id_epoch: str | None = None
    device_decision: str = ""
    device_reasons: list[str] = field(default_factory=list)


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


_gates: TTLCache[GateInfo | None] = TTLCache(60.0, generation="gates")
_scopes: TTLCache[Scope] = TTLCache(30.0, generation="users")


def gate_for_scan(*, actor: User, code: str) -> GateInfo:
    def load() -> GateInfo | None:
        g = Gate.objects.filter(code=code).values_list("id", "community_id", "code", "kind").first()
        return GateInfo(*g) if g else None

    gate = _gates.get_or_set(code, load)
    if gate is None:
        raise FieldError("gate", GateCode.UNKNOWN_GATE, _("No such gate"))
    scope = _scopes.get_or_set(actor.pk, lambda: scope_of(actor))
    if not role_can(actor.role, Perm.SCAN) or not scope.covers_community(gate.community_id):
        raise PermissionDenied(_("This gate is outside your scope"))
    return gate


def is_fever(temperature: Decimal, policy: dict) -> bool:
    """At or above the community's fever threshold (policy), as the gate and the visitor register read it."""
    return health.is_fever(temperature, threshold=policy["fever_threshold"], comparison=policy["fever_comparison"])


def _looks_like_id_number(number: str) -> bool:
    """18 characters, the first 17 digits: a resident ID number, never a pass number (8 digits)."""
    return len(number) == 18 and number[:17].isdigit()


def _pass_for_id_number(*, actor: User, gate: GateInfo, code: str, day: date, via: str) -> int | None:
    """The id of the pass an ID number opens at this gate, else None. Among the holder's passes of the
    gate's community that are not revoked, the first by: valid today; usable at this gate (valid at
    every gate, or this one among its gates); the person's own before a vehicle pass; active before
    suspended; the latest valid_until; the newest. The rules then judge it like any other pass, so an
    expired or suspended one is refused with its own reason, as its QR code would be."""
    try:
        number = parse_resident_id(code).number
    except FieldError as exc:  # the field the guard typed it in
        raise FieldError("code", exc.code, exc.message) from None
    identifier_search_check(actor=actor, field="id_number")
    through = Pass.gates.through
    mine = through.objects.filter(pass_id=OuterRef("pk"))
    rows = list(
        Pass.objects.filter(community_id=gate.community_id, person__id_number_hash=crypto.blind_index("id", number),
                            person__purged_at__isnull=True)
        .exclude(status=Pass.Status.REVOKED)
        .annotate(restricted=Exists(mine), here=Exists(mine.filter(gate_id=gate.id)))
        .values_list("id", "kind", "status", "valid_from", "valid_until", "restricted", "here")[:50]
    )
    identifier_search_record(actor=actor, field="id_number", hits=1 if rows else 0, via=via)
    if not rows:
        return None

    def rank(r: tuple) -> tuple:
        pk, kind, status, valid_from, valid_until, restricted, here = r
        return (valid_from <= day <= valid_until, here or not restricted, kind != Pass.Kind.VEHICLE,
                status == Pass.Status.ACTIVE, valid_until, pk)

    return max(rows, key=rank)[0]


def _rules(req: ScanRequest, gate: GateInfo, p: PassRow, version: int | None, day: date, policy: dict,
           id_shown: bool = False) -> list[str]:
    """The rules in order; every reason that applies is returned (the guard sees them all). `id_shown`:
    the pass was found by its holder's ID number, so the ID card has been shown."""
    reasons = []
    if p.status == Pass.Status.REVOKED or (version is not None and version != p.version):
        reasons.append(ScanReason.PASS_REVOKED)
    if day > p.valid_until:
        reasons.append(ScanReason.PASS_EXPIRED)
    if day < p.valid_from:
        reasons.append(ScanReason.PASS_NOT_YET_VALID)
    if p.restricted and not p.at_gate:
        reasons.append(ScanReason.GATE_NOT_ALLOWED)
    if p.banned:
        reasons.append(ScanReason.BANNED)
    if req.id_number:
        if crypto.blind_index("id", normalise_id_number(req.id_number)) != p.person.id_number_hash:
            reasons.append(ScanReason.ID_MISMATCH)
    elif req.id_number_hash:
        if not id_hash_matches(community_id=gate.community_id, epoch=req.id_epoch or "", idh=req.id_number_hash,
                               person_id=p.person_id):
            reasons.append(ScanReason.ID_MISMATCH)
    elif p.kind in policy["id_required"] and not id_shown:
        reasons.append(ScanReason.ID_REQUIRED)
    if p.status == Pass.Status.SUSPENDED and req.direction == Scan.Direction.OUT:
        reasons.append(ScanReason.UNDER_OBSERVATION)
    if req.direction == Scan.Direction.IN:
        if req.temperature is None:
            reasons.append(ScanReason.TEMPERATURE_REQUIRED)
        elif is_fever(req.temperature, policy):
            reasons.append(ScanReason.FEVER)
    return reasons


def exit_quota(policy: dict, kind: str) -> int | None:
    """The exits a day the policy allows a pass of this kind; None: no limit."""
    quota = (policy["exit_quota"] or {}).get(kind)
    return None if quota is None else int(quota)


def quota_reasons(*, quota: int | None, exits_known: int) -> list[str]:
    """The quota rule as a pure function, for an exit the rules allowed: what a decider knowing
    `exits_known` exits of the pass today answers. The shared rule table (scan_rule_cases.json) holds
    the gate device to it; `scan_record` decides the same with the race-proof claim in SQL instead of
    a count read beforehand."""
    if quota is None:
        return []
    if quota <= 0 or exits_known >= quota:
        return [ScanReason.EXIT_QUOTA_REACHED]
    return []


def _over_quota(record: dict, *, offline: bool) -> dict:
    """The record of an exit the day's quota has no room for: denied; flagged as a conflict when it
    came from an offline device, which has already let the person out."""
    return {**record, "decision": Scan.Decision.DENY, "reasons": [ScanReason.EXIT_QUOTA_REACHED],
            "conflict": offline}


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
    signed = signing.looks_signed(code)
    number = "" if signed else code.replace(" ", "").replace("-", "")
    by_id = not signed and _looks_like_id_number(number)
    via = req.via or ("web" if req.device == "web console" else "api")
    id_pass = _pass_for_id_number(actor=actor, gate=gate, code=number, day=day, via=via) if by_id else None
    # One cursor for the scan's statements, binding parameters server-side on PostgreSQL (fangkong/core/db.py).
    with binding_cursor() as cur:
        if signed:
            try:
                claim = signing.decode(code, keys.public_keys())
            except signing.BadSignature:
                reasons = [ScanReason.BAD_SIGNATURE]
            else:
                p = load_pass(cur, gate_id=gate.id, community_id=gate.community_id, pass_id=claim.pass_id)
                version = claim.version
        elif by_id:
            if id_pass is not None:
                p = load_pass(cur, gate_id=gate.id, community_id=gate.community_id, pass_id=id_pass)
        elif number.isdigit() and len(number) <= 24:
            p = load_pass(cur, gate_id=gate.id, community_id=gate.community_id, number=number)
        if p is not None and p.community_id != gate.community_id:
            p = None  # not this community's: nothing about it may reach the gate
        if p is None and not reasons:
            reasons = [ScanReason.UNKNOWN_PASS]
        if p is not None:
            reasons = _rules(req, gate, p, version, day, policy, id_shown=by_id)

        offline = req.scanned_at is not None
        device_denied = req.device_decision == Scan.Decision.DENY
        if device_denied:  # what happened at the gate: the person was turned back, nothing to settle
            reasons = list(req.device_reasons)
        record = {
            "community": gate.community_id, "gate": gate.id, "pass_ref": p.id if p else None,
            "person": p.person_id if p else None, "guard": actor.pk, "device": req.device[:64], "at": now,
            "scanned_at": req.scanned_at, "direction": req.direction, "temperature": req.temperature,
            "plate": req.plate, "client_id": req.client_id or None,
            "device_decision": req.device_decision, "device_reasons": list(req.device_reasons),
            "decision": Scan.Decision.DENY if reasons or device_denied else Scan.Decision.ALLOW, "reasons": reasons,
            # The device let the person through and the server refuses: the office must see it.
            "conflict": bool(reasons) and req.device_decision == Scan.Decision.ALLOW,
        }
        exit_claim = None
        if record["decision"] == Scan.Decision.ALLOW and req.direction == Scan.Direction.OUT:
            quota = exit_quota(policy, p.kind)
            if quota is not None and quota > 0:
                exit_claim = (p.id, day, quota)
            elif quota is not None:  # no exit allowed at all: nothing to claim
                record = _over_quota(record, offline=offline)
        try:
            with atomic_record():
                scan_id, record = record_scan(cur, record, claim=exit_claim,
                                              over_quota=_over_quota(record, offline=offline) if exit_claim else None)
        except IntegrityError:
            if not req.client_id:
                raise
            first = Scan.objects.select_related("pass_ref__person").get(guard=actor, client_id=req.client_id)
            row = pass_row(first.pass_ref) if first.pass_ref else None
            return ScanOutcome(scan=RecordedScan.of(first), pass_=row, replayed=True, reasons=first.reasons)
    if record["reasons"] and ScanReason.FEVER in record["reasons"] and p is not None:
        fever_refused_announce(scan_id=scan_id, person_id=p.person_id, gate_id=gate.id, community_id=gate.community_id,
                               temperature=req.temperature, at=when, actor=actor, via=via)
    scan = RecordedScan(scan_id, record["decision"], record["reasons"], now, record["conflict"], req.temperature)
    return ScanOutcome(scan=scan, pass_=p, reasons=record["reasons"])
