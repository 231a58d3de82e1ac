"""Writes of pushed-down lists: the street uploads a list (read, checked, routed and written in one
transaction, or nothing written), a community records an outcome per row, the street assigns a row that
matched nowhere."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import AuditEntry, User
from fangkong.accounts.roles import Perm
from fangkong.accounts.services import audit_record, require
from fangkong.core.errors import Code, Conflict, FieldError, NotFound
from fangkong.core.models import protect
from fangkong.registry.models import Community, Person, Street
from fangkong.verification.errors import RowsRejected, VerificationCode
from fangkong.verification.models import VerificationList, VerificationRow
from fangkong.verification.reading import check_list, read_list
from fangkong.verification.routing import route_rows
from fangkong.verification.selectors import follows_street, row_checkable

OBJECT_LIST = "verification_list"
OBJECT_ROW = "verification_row"


@dataclass
class Upload:
    vlist: VerificationList
    routed: dict[str, int]  # community code → rows routed to it


def verification_list_upload(*, actor: User, street: Street, batch: str, path: Path, filename: str,
                             via: str = "web") -> Upload:
    """Read and check the whole file, route every row, and write the list in one transaction.

    A file that cannot be read raises `ImportFileError`; any wrong row raises `RowsRejected` with every
    problem by row and column, and nothing is written."""
    require(actor, Perm.UPLOAD_VERIFICATION)
    if not follows_street(actor=actor, street_id=street.id):
        raise NotFound(_("No such street in your scope"))
    batch = (batch or "").strip()
    if not batch:
        raise FieldError("batch", Code.REQUIRED, _("Name the batch, e.g. the date and the sender of the list"))
    if len(batch) > 64:
        raise FieldError("batch", Code.TOO_LONG, _("At most %(n)s characters") % {"n": 64})
    columns, rows = read_list(path)
    records, errors = check_list(columns, rows)
    if errors:
        raise RowsRejected(errors)
    routes = route_rows(street=street, rows=records)
    with transaction.atomic():
        vlist = VerificationList.objects.create(
            street=street, batch=batch, filename=(filename or "")[:200], uploaded_by=actor, rows=len(records),
            unmatched=sum(1 for r in routes if r.community_id is None))
        entries = []
        for record, route in zip(records, routes, strict=True):
            key = uuid.uuid4()
            id_sealed, id_hash, id_masked = protect("id", record.id_number, VerificationRow, key)
            phone_sealed, _hash, phone_masked = protect("phone", record.phone, VerificationRow, key)
            entries.append(VerificationRow(
                vlist=vlist, street=street, number=record.number, received_at=vlist.uploaded_at,
                community_id=route.community_id, routed_by=route.routed_by, person_id=route.person_id,
                registered_elsewhere=route.registered_elsewhere, row_key=key, name=record.name,
                id_number_encrypted=id_sealed, id_number_hash=id_hash or "", id_number_masked=id_masked,
                phone_encrypted=phone_sealed, phone_masked=phone_masked, address=record.address,
                source=record.source, batch=record.batch or batch))
        VerificationRow.objects.bulk_create(entries, batch_size=1000)
        audit_record(actor=actor, action=AuditEntry.Action.IMPORT, object_type=OBJECT_LIST, object_id=vlist.pk,
                     fields=[c.key for c in columns if c], count=len(records), via=via)
    routed: dict[str, int] = {}
    codes = dict(Community.objects.filter(pk__in={r.community_id for r in routes if r.community_id})
                 .values_list("pk", "code"))
    for route in routes:
        if route.community_id:
            routed[codes[route.community_id]] = routed.get(codes[route.community_id], 0) + 1
    return Upload(vlist, dict(sorted(routed.items())))


@transaction.atomic
def verification_outcome_record(*, actor: User, row: VerificationRow, outcome: str, note: str = "",
                                via: str = "web") -> VerificationRow:
    """Record what the community found for a row; recording again replaces it (who and when with it).

    `missed` (漏排) says the person was not on the community's books and now is: they must be registered in
    the row's community by then, and the row is linked to them."""
    require(actor, Perm.CHECK_VERIFICATION)
    row = VerificationRow.objects.select_for_update().filter(pk=row.pk).first()
    if row is None or not row_checkable(actor=actor, row=row):
        raise NotFound(_("No such row"))
    if outcome not in VerificationRow.Outcome.values:
        raise FieldError("outcome", Code.INVALID_CHOICE, _("Choose one of the outcomes"))
    note = (note or "").strip()
    if len(note) > 200:
        raise FieldError("note", Code.TOO_LONG, _("At most %(n)s characters") % {"n": 200})
    fields = ["outcome", "note", "outcome_by", "outcome_at"]
    if outcome == VerificationRow.Outcome.MISSED:
        person = (Person.objects.filter(id_number_hash=row.id_number_hash, purged_at__isnull=True,
                                        community_id=row.community_id).first() if row.id_number_hash else None)
        if person is None:
            raise FieldError("outcome", VerificationCode.NOT_REGISTERED, _(
                "This person is not registered in the community yet: register them (household page or "
                "door-to-door visit) first, then record them as missed"))
        row.person = person
        fields.append("person")
    row.outcome, row.note, row.outcome_by, row.outcome_at = outcome, note, actor, timezone.now()
    row.save(update_fields=fields)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, object_type=OBJECT_ROW, object_id=row.pk,
                 community_id=row.community_id, fields=fields, via=via)
    return row


@transaction.atomic
def verification_row_assign(*, actor: User, row: VerificationRow, community: Community,
                            via: str = "web") -> VerificationRow:
    """The street office sends a row that matched nowhere to one of its communities, to be checked there."""
    require(actor, Perm.UPLOAD_VERIFICATION)
    row = VerificationRow.objects.select_for_update().filter(pk=row.pk).first()
    if row is None or not follows_street(actor=actor, street_id=row.street_id):
        raise NotFound(_("No such row"))
    if community.street_id != row.street_id:
        raise FieldError("community", VerificationCode.COMMUNITY_OUTSIDE_STREET,
                         _("The community is not in the list's street"))
    if row.outcome:
        raise Conflict(_("The row has been checked already: it stays with its community"))
    was_unmatched = row.community_id is None
    row.community = community
    # Received by the community when the street sends it, for the daily report's "received today".
    row.received_at = timezone.now()
    row.save(update_fields=["community", "received_at"])
    if was_unmatched:
        # The list's count of unmatched rows follows; a conditional UPDATE, so two assignments count once each.
        VerificationList.objects.filter(pk=row.vlist_id, unmatched__gt=0).update(unmatched=F("unmatched") - 1)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, object_type=OBJECT_ROW, object_id=row.pk,
                 community_id=community.id, fields=["community"], via=via)
    return row

