"""Writes of the ledgers: a community's or street's layout of a ledger, and export requests (the file is
written by the worker: tasks.run_export → jobs.export_write, and deleted when it expires).

A file is as protected as the database: full ID numbers and phones only for roles that may reveal
them, and such a file is encrypted with a password shown once to the exporter; every export is audited
with its row count; every file expires after the policy's hours and is then deleted.
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import AuditEntry, User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core import crypto
from fangkong.core.dates import local_today
from fangkong.core.errors import Code, Conflict, FieldError, NotFound, ValidationErrors
from fangkong.ledgers import selectors
from fangkong.ledgers.errors import ExportGone, LedgerCode
from fangkong.ledgers.models import Export, LedgerLayout
from fangkong.ledgers.spec import REMARKS, SERIAL, Level
from fangkong.ledgers.tasks import run_export
from fangkong.registry.models import Community, Street

MAX_RANGE_DAYS = 31
MAX_HEADER = 60
# No 0/O, 1/l/I: the password is read off a screen and typed into Excel or WPS.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105
PASSWORD_LENGTH = 12

# --- layouts ------------------------------------------------------------------------------------------

def _layout_place_check(*, actor: User, community: Community | None, street: Street | None) -> None:
    if (community is None) == (street is None):
        raise FieldError("community", LedgerCode.COMMUNITY_REQUIRED, _("Name a community or a street"))
    if community is not None and not scope_of(actor).covers_whole_community(community.pk):
        raise NotFound(_("No such community in your scope"))
    if street is not None and not selectors.street_held(actor=actor, street=street):
        raise NotFound(_("No such street in your scope"))


def _layout_validate(ledger: str, title: str, columns: list[dict]) -> tuple[str, list[dict]]:
    """The layout as it will be stored, or every problem at once. 序号 and 备注 may be dropped, not
    moved: a form with its serial in the middle is no longer the form the street recognises."""
    spec = selectors.spec_get(ledger)
    known = {column.key for column in spec.columns}
    errors: list[FieldError] = []
    title = (title or "").strip()
    if not title:
        errors.append(FieldError("title", Code.REQUIRED, _("The title cannot be empty")))
    elif len(title) > 200:
        errors.append(FieldError("title", Code.TOO_LONG, _("The title is too long")))
    cleaned: list[dict] = []
    seen: set[str] = set()
    for item in columns:
        key = str(item.get("key", "")).strip()
        header = str(item.get("header", "")).strip()
        group = str(item.get("group", "") or "").strip()
        if key not in known:
            errors.append(FieldError(f"columns.{key}", LedgerCode.UNKNOWN_COLUMN, _("No such column")))
            continue
        if key in seen:
            errors.append(FieldError(f"columns.{key}", LedgerCode.DUPLICATE_COLUMN, _("A column is shown once")))
            continue
        seen.add(key)
        if not header:
            errors.append(FieldError(f"columns.{key}", LedgerCode.EMPTY_HEADER, _("A column needs a header")))
        elif len(header) > MAX_HEADER or len(group) > MAX_HEADER:
            errors.append(FieldError(f"columns.{key}", Code.TOO_LONG, _("The header is too long")))
        cleaned.append({"key": key, "header": header, "group": group})
    keys = [item["key"] for item in cleaned]
    if not [k for k in keys if k not in (SERIAL.key, REMARKS.key)]:
        errors.append(FieldError("columns", LedgerCode.NO_COLUMN, _("Show at least one column")))
    if SERIAL.key in keys and keys[0] != SERIAL.key:
        errors.append(FieldError("columns", LedgerCode.SERIAL_NOT_FIRST, _("序号 stays the first column")))
    if REMARKS.key in keys and keys[-1] != REMARKS.key:
        errors.append(FieldError("columns", LedgerCode.REMARKS_NOT_LAST, _("备注 stays the last column")))
    if errors:
        raise ValidationErrors(errors)
    return title, cleaned


@transaction.atomic
def ledger_layout_set(*, actor: User, ledger: str, community: Community | None = None,
                      street: Street | None = None, title: str, columns: list[dict]) -> LedgerLayout:
    """Keep a community's (or a street's) own layout of a ledger; the next export uses it."""
    require(actor, Perm.EDIT_LAYOUTS)
    _layout_place_check(actor=actor, community=community, street=street)
    title, cleaned = _layout_validate(ledger, title, columns)
    row, _created = LedgerLayout.objects.update_or_create(
        ledger=ledger, community=community, street=street,
        defaults={"title": title, "columns": cleaned, "updated_by": actor},
    )
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, object_type="ledger_layout", object_id=ledger,
                 community_id=community.pk if community else None, fields=["title", "columns"])
    return row


@transaction.atomic
def ledger_layout_reset(*, actor: User, ledger: str, community: Community | None = None,
                        street: Street | None = None) -> None:
    """Back to the layout above (the street's, else the built-in default)."""
    require(actor, Perm.EDIT_LAYOUTS)
    _layout_place_check(actor=actor, community=community, street=street)
    selectors.spec_get(ledger)
    deleted, _rows = LedgerLayout.objects.filter(ledger=ledger, community=community, street=street).delete()
    if deleted:
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, object_type="ledger_layout", object_id=ledger,
                     community_id=community.pk if community else None, fields=["title", "columns"])


# --- exports --------------------------------------------------------------------------------------------

def _password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_LENGTH))


def _range_check(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise FieldError("date_to", Code.BEFORE_START, _("The end date lies before the start date"))
    if date_to > local_today():
        raise FieldError("date_to", Code.IN_FUTURE, _("This date lies in the future"))
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise FieldError("date_to", LedgerCode.RANGE_TOO_LONG,
                         _("At most %(n)d days in one export") % {"n": MAX_RANGE_DAYS})


def _street_of(*, actor: User, community: Community | None, street: Street | None) -> Street:
    """The street of a street ledger: the one named, else the community's, else the actor's only one."""
    if street is not None:
        return street
    if community is not None:
        return community.street
    streets = list(selectors.streets_in_scope(actor=actor)[:2])
    if len(streets) != 1:
        raise FieldError("street", LedgerCode.STREET_REQUIRED, _("Name the street"))
    return streets[0]


def export_request(*, actor: User, ledger: str, community: Community | None = None, street: Street | None = None,
                   date_from: date, date_to: date, masked: bool | None = None,
                   via: str = "web") -> tuple[Export, str | None]:
    """Queue the export of a ledger and return it with the file's password (None when masked): the one
    time the password is shown; it is kept sealed only until the worker has encrypted the file."""
    require(actor, Perm.EXPORT_LEDGERS)
    spec = selectors.spec_get(ledger)
    require(actor, spec.perm)
    scope = scope_of(actor)
    if spec.level == Level.COMMUNITY:
        if community is None:
            raise FieldError("community", LedgerCode.COMMUNITY_REQUIRED, _("Choose a community"))
        # A community's ledger lists the whole community: a grid's view of it is not the ledger.
        if not scope.covers_whole_community(community.pk):
            raise NotFound(_("No such community in your scope"))
        street = None
    else:
        street = _street_of(actor=actor, community=community, street=street)
        if not selectors.street_communities_in_scope(actor=actor, street=street):
            raise NotFound(_("No such street in your scope"))
        community = None
    _range_check(date_from, date_to)
    layout = selectors.ledger_layout_effective(ledger=ledger, community=community, street=street)
    reveal_id, reveal_phone = selectors.export_reveals(actor, layout, masked)
    encrypted = reveal_id or reveal_phone
    password = _password() if encrypted else None
    with transaction.atomic():
        export = Export(ledger=ledger, community=community, street=street, date_from=date_from, date_to=date_to,
                        requested_by=actor, masked=not encrypted, encrypted=encrypted, via=via)
        if password:
            export.password_encrypted = crypto.seal(export, "password_encrypted", password)
        export.save()
    run_export.enqueue(export.pk)
    export.refresh_from_db()
    return export, password




def export_file_open(*, actor: User, pk: int, via: str = "web") -> tuple[Export, Path]:
    """The file of a finished export, for its exporter and the community's leaders (selectors.export_get);
    each download is audited, as a reveal when the file holds full identifiers."""
    export = selectors.export_get(actor=actor, pk=pk)
    if export.status == Export.Status.EXPIRED or (export.status == Export.Status.DONE and export.expires_at
                                                  and export.expires_at <= timezone.now()):
        raise ExportGone(_("This file has expired and was deleted: export it again"))
    path = Path(export.stored_path) if export.stored_path else None
    if export.status != Export.Status.DONE or path is None or not path.exists():
        raise Conflict(_("The file is not ready"), code=LedgerCode.NOT_READY)
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT if export.masked else AuditEntry.Action.REVEAL,
                 object_type="ledger_file", object_id=export.pk, community_id=export.community_id,
                 count=export.rows, via=via, fields=["download", export.ledger])
    return export, path
