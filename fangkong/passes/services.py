"""Writes for passes: issue (one or in bulk), revoke, reissue, suspend/reactivate, ban."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core import crypto
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.identifiers import luhn_digit, mask_id_number, normalise_id_number, normalise_plate
from fangkong.passes.errors import ScanReason
from fangkong.passes.models import Ban, Pass, SyncEvent
from fangkong.passes.printing import pass_cards_pdf
from fangkong.registry.models import Community, Person

# Features that put a person's passes on hold (medical observation) say which people are held, so a
# pass issued to one of them starts suspended. Each check takes person ids and returns the held ones.
SuspensionCheck = Callable[[list[int]], set[int]]
_suspension_checks: list[SuspensionCheck] = []


def suspension_check_register(check: SuspensionCheck) -> None:
    if check not in _suspension_checks:
        _suspension_checks.append(check)


def _held(person_ids: list[int]) -> set[int]:
    held: set[int] = set()
    for check in _suspension_checks:
        held |= check(person_ids)
    return held


def _new_number() -> str:
    """8 digits, the last a Luhn check digit: typeable on a numeric keypad, typos caught."""
    body = f"{secrets.randbelow(9_000_000) + 1_000_000}"
    return body + luhn_digit(body)


def _check_person(actor: User, person: Person) -> None:
    if not scope_of(actor).covers_whole_community(person.community_id):
        raise NotFound(_("No such person in your scope"))


def _validate(kind: str, valid_from: date, valid_until: date, plate: str) -> str:
    if kind not in Pass.Kind.values:
        raise FieldError("kind", "invalid_choice", _("Unknown pass kind"))
    if valid_until < valid_from:
        raise FieldError("valid_until", "before_start", _("A pass cannot end before it starts"))
    if kind == Pass.Kind.VEHICLE:
        return normalise_plate(plate)
    return ""


@transaction.atomic
def pass_issue(
    *, actor: User, person: Person, kind: str, valid_from: date, valid_until: date, gates: Iterable = (),
    plate: str = "",
) -> Pass:
    require(actor, Perm.ISSUE_PASSES)
    _check_person(actor, person)
    plate = _validate(kind, valid_from, valid_until, plate)
    gates = list(gates)
    if any(g.community_id != person.community_id for g in gates):
        raise FieldError("gates", "gate_outside_community", _("A pass is valid only at its community's gates"))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                p = Pass.objects.create(
                    community_id=person.community_id, number=_new_number(), kind=kind, person=person,
                    household_id=person.household_id, plate=plate, valid_from=valid_from, valid_until=valid_until,
                    issued_by=actor,
                )
            break
        except IntegrityError:  # number already taken: draw again
            continue
    else:
        raise FieldError("number", "no_number", _("Could not allocate a pass number"))
    if _held([person.id]):
        passes_suspend_for_person(person=person, suspended=True)
        p.refresh_from_db(fields=["status"])
    if gates:
        p.gates.set(gates)
    # The offline gates' feed finds new passes (and their gates) by this event.
    SyncEvent.objects.create(community_id=p.community_id, kind=SyncEvent.Kind.CHANGED, pass_number=p.number,
                             pass_version=p.version)
    audit_record(actor=actor, action="create", object_type="pass", object_id=p.pk, community_id=p.community_id,
                 fields=["number", "kind", "person", "valid_from", "valid_until"])
    return p


def pass_issue_bulk(
    *, actor: User, community: Community, kind: str, valid_from: date, valid_until: date,
    people: Iterable[Person], progress: Callable[[int, int], None] | None = None,
) -> list[Pass]:
    """Issue one pass per person who has no active pass of that kind; all in one transaction."""
    require(actor, Perm.ISSUE_PASSES)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    _validate(kind, valid_from, valid_until, "x" if kind != Pass.Kind.VEHICLE else "")
    people = [p for p in people if p.community_id == community.id]
    # A pass that has expired before the new period starts does not count: a new period re-issues.
    holders = set(Pass.objects.filter(community=community, kind=kind, status__in=["active", "suspended"],
                                      valid_until__gte=valid_from, person__in=people)
                  .values_list("person_id", flat=True))
    todo = [p for p in people if p.id not in holders]
    taken = set(Pass.objects.values_list("number", flat=True))
    held = _held([p.id for p in todo])
    made: list[Pass] = []
    with transaction.atomic():
        for i, person in enumerate(todo, start=1):
            number = _new_number()
            while number in taken:
                number = _new_number()
            taken.add(number)
            made.append(Pass(community=community, number=number, kind=kind, person=person,
                             household_id=person.household_id, valid_from=valid_from, valid_until=valid_until,
                             issued_by=actor,
                             status=Pass.Status.SUSPENDED if person.id in held else Pass.Status.ACTIVE))
            if progress and i % 100 == 0:
                progress(i, len(todo))
        Pass.objects.bulk_create(made, batch_size=1000)
        SyncEvent.objects.bulk_create([
            SyncEvent(community=community, pass_number=p.number, pass_version=p.version,
                      kind=SyncEvent.Kind.SUSPENDED if p.status == Pass.Status.SUSPENDED else SyncEvent.Kind.CHANGED)
            for p in made
        ], batch_size=1000)
        audit_record(actor=actor, action="create", object_type="pass", community_id=community.id, count=len(made),
                     fields=["number", "kind", "person", "valid_from", "valid_until"])
    if progress:
        progress(len(todo), len(todo))
    return made


def _locked(actor: User, number: str) -> Pass:
    p = Pass.objects.select_for_update().filter(number=number).first()
    if p is None or not scope_of(actor).covers_whole_community(p.community_id):
        raise NotFound(_("No such pass in your scope"))
    return p


@transaction.atomic
def pass_revoke(*, actor: User, number: str, reason: str) -> Pass:
    """Revoke everywhere: the next scan at any gate is refused with `pass_revoked`."""
    require(actor, Perm.REVOKE_PASSES)
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", "required", _("Say why the pass is revoked"))
    p = _locked(actor, number)
    if p.status != Pass.Status.REVOKED:
        p.status, p.revoked_at, p.revoked_by = Pass.Status.REVOKED, timezone.now(), actor
        p.revoked_reason = reason[:200]
        p.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
        SyncEvent.objects.create(community_id=p.community_id, kind=SyncEvent.Kind.REVOKED, pass_number=p.number,
                                 pass_version=p.version)
        audit_record(actor=actor, action="update", object_type="pass", object_id=p.pk, community_id=p.community_id,
                     fields=["status", "revoked_reason"])
    return p


@transaction.atomic
def pass_reissue(*, actor: User, number: str) -> Pass:
    """A new card for the same pass: the version goes up and the old card stops working."""
    require(actor, Perm.ISSUE_PASSES)
    p = _locked(actor, number)
    if p.status == Pass.Status.REVOKED:
        raise FieldError("number", ScanReason.PASS_REVOKED, _("A revoked pass cannot be reissued; issue a new one"))
    p.version += 1
    p.save(update_fields=["version"])
    SyncEvent.objects.create(community_id=p.community_id, kind=SyncEvent.Kind.REVOKED, pass_number=p.number,
                             pass_version=p.version - 1)
    audit_record(actor=actor, action="update", object_type="pass", object_id=p.pk, community_id=p.community_id,
                 fields=["version"])
    return p


@transaction.atomic
def passes_suspend_for_person(*, person: Person, suspended: bool) -> int:
    """Suspend (or reactivate) a person's active passes: called by medical observation."""
    frm, to = (Pass.Status.ACTIVE, Pass.Status.SUSPENDED) if suspended else (Pass.Status.SUSPENDED, Pass.Status.ACTIVE)
    changed = list(Pass.objects.select_for_update().filter(person=person, status=frm))
    for p in changed:
        p.status = to
        p.save(update_fields=["status"])
        SyncEvent.objects.create(community_id=p.community_id, pass_number=p.number, pass_version=p.version,
                                 kind=SyncEvent.Kind.SUSPENDED if suspended else SyncEvent.Kind.REACTIVATED)
    return len(changed)


@transaction.atomic
def ban_create(*, actor: User, community: Community, id_number: str, reason: str) -> Ban:
    """Bar a person from the community's gates by ID number: effective at every gate on the next scan."""
    require(actor, Perm.REVOKE_PASSES)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    from fangkong.core.identifiers import parse_resident_id

    number = normalise_id_number(id_number)
    try:
        number = parse_resident_id(number).number
    except FieldError:
        if not number.isalnum() or not 5 <= len(number) <= 20:
            raise
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", "required", _("Say why the person is barred"))
    digest = crypto.blind_index("id", number)
    existing = Ban.objects.filter(community=community, id_number_hash=digest, lifted_at__isnull=True).first()
    if existing:
        return existing
    ban = Ban.objects.create(community=community, id_number_hash=digest, id_number_masked=mask_id_number(number),
                             person=Person.objects.filter(id_number_hash=digest).first(), reason=reason[:200],
                             created_by=actor)
    # Offline gates cannot hash a typed ID number (the key stays on the server): they learn the
    # banned person's pass numbers instead.
    numbers = list(Pass.objects.filter(community=community, person__id_number_hash=digest)
                   .values_list("number", flat=True)) or [""]
    SyncEvent.objects.bulk_create([SyncEvent(community=community, kind=SyncEvent.Kind.BANNED, id_number_hash=digest,
                                             pass_number=n) for n in numbers])
    audit_record(actor=actor, action="create", object_type="ban", object_id=ban.pk, community_id=community.id,
                 fields=["id_number", "reason"])
    return ban


# One PDF holds at most this many cards (63 sheets, about 1.4 MB); longer runs print in parts (?part=2, …).
# Laying out the signed QR codes is most of the time (segno, about 12 ms of CPU a card): the pages write
# a few cards while the browser waits and leave more to a print job (tasks.DIRECT_MAX_CARDS).
MAX_CARDS_PER_PDF = 500


def _printable_check(actor: User, passes: list[Pass]) -> None:
    require(actor, Perm.PRINT_PASSES)
    scope = scope_of(actor)
    if any(not scope.covers_whole_community(p.community_id) for p in passes):
        raise NotFound(_("No such pass in your scope"))
    if not passes:
        raise FieldError("number", "nothing_to_print", _("No pass matches: nothing to print"))
    if len(passes) > MAX_CARDS_PER_PDF:
        raise FieldError("number", "too_many",
                         _("At most %(n)d cards in one PDF: narrow the filter") % {"n": MAX_CARDS_PER_PDF})
    if any(p.status == Pass.Status.REVOKED for p in passes):
        raise FieldError("status", ScanReason.PASS_REVOKED, _("A revoked pass cannot be printed"))


def pass_cards_printable(*, actor: User, numbers: list[str]) -> list[Pass]:
    """The passes of `numbers` loaded for printing, checked as `pass_cards_export` checks them (a print
    job reads them again when it runs: a pass revoked meanwhile stops the job)."""
    require(actor, Perm.PRINT_PASSES)
    passes = list(Pass.objects.filter(number__in=list(numbers)).select_related("person", "household", "community")
                  .order_by("community_id", "number"))
    _printable_check(actor, passes)
    return passes


def pass_cards_export_record(*, actor: User, per_community: dict[int, int]) -> None:
    """The audit of a download of cards: one export entry per community, with the number of cards."""
    require(actor, Perm.PRINT_PASSES)
    with transaction.atomic():
        for community_id, count in sorted(per_community.items()):
            audit_record(actor=actor, action="export", object_type="pass", community_id=community_id, count=count,
                         fields=["name", "id_number", "qr"])


def pass_cards_export(*, actor: User, passes: list[Pass]) -> bytes:
    """The printable cards of `passes` as one PDF, audited as an export: the cards carry names, masked
    ID numbers and working QR codes. Revoked passes are not printed (a card looks valid to the eye)."""
    _printable_check(actor, passes)
    pdf = pass_cards_pdf(passes)
    per_community: dict[int, int] = {}
    for p in passes:
        per_community[p.community_id] = per_community.get(p.community_id, 0) + 1
    pass_cards_export_record(actor=actor, per_community=per_community)
    return pdf
