"""The worker's side of an export: write the file of a queued export (streamed, then encrypted when it
holds full identifiers), audit it, and delete files past their expiry. Called by ledgers.tasks."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import AuditEntry
from fangkong.accounts.services import audit_record
from fangkong.core import crypto
from fangkong.core.dates import local_today
from fangkong.ledgers import selectors
from fangkong.ledgers.models import Export
from fangkong.ledgers.sources import default_title
from fangkong.ledgers.spec import ExportContext
from fangkong.ledgers.writer import watermark_text, write_ledger
from fangkong.policy.selectors import policy_value

logger = logging.getLogger(__name__)

# Short names for the files (the full titles are too long for a file name).
FILE_NAMES = {
    "returnees": "返回人员台账", "key_area_inflow": "重点地区流入人员排查表", "daily_report": "防控日报告表",
    "observation": "医学观察台账", "visitors": "外来人员车辆登记", "gate_log": "门岗出入记录",
}


def exports_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "exports"
    folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    return folder


def _context(export: Export) -> ExportContext:
    actor = export.requested_by
    if export.community_id:
        communities: tuple = (export.community,)
    else:
        communities = tuple(selectors.street_communities_in_scope(actor=actor, street=export.street))
    layout = selectors.ledger_layout_effective(ledger=export.ledger, community=export.community,
                                               street=export.street)
    reveal_id, reveal_phone = selectors.export_reveals(actor, layout, export.masked)
    return ExportContext(actor=actor, communities=communities, street=export.street, date_from=export.date_from,
                         date_to=export.date_to, reveal_id=reveal_id, reveal_phone=reveal_phone)


def export_filename(export: Export) -> str:
    place = export.community.name if export.community_id else export.street.name
    days = (f"{export.date_to:%Y%m%d}" if export.date_from == export.date_to
            else f"{export.date_from:%Y%m%d}-{export.date_to:%Y%m%d}")
    return f"{FILE_NAMES.get(export.ledger, export.ledger)}_{place}_{days}.xlsx"


def _expiry_hours(export: Export, communities: tuple) -> int:
    community = export.community or (communities[0] if communities else None)
    if community is None:
        return 24
    return int(policy_value(community=community, key="export_expiry_hours", on=local_today()))


def _encrypt(plain: Path, out: Path, password: str) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    with plain.open("rb") as source, out.open("wb") as target:
        OOXMLFile(source).encrypt(password, target)


def export_write(export_id: int) -> Export | None:
    """Write the file of a queued export (the worker's side). Claimed once by a conditional UPDATE, so a
    task delivered twice writes one file. A failure leaves no file, and the password is forgotten."""
    now = timezone.now()
    if not Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(
            status=Export.Status.RUNNING, started_at=now, progress=0):
        return None
    export = Export.objects.select_related("community__street", "street", "requested_by").get(pk=export_id)
    folder = exports_dir()
    final = folder / f"{secrets.token_hex(16)}.xlsx"
    plain = final.with_suffix(".plain.part")
    encrypted_part = final.with_suffix(".part")
    try:
        spec = selectors.spec_get(export.ledger)
        ctx = _context(export)
        layout = selectors.ledger_layout_effective(ledger=export.ledger, community=export.community,
                                                   street=export.street)
        if layout.title == spec.title:  # the built-in title may depend on the export (the key areas in force)
            layout = replace(layout, title=default_title(spec, ctx))
        total = max(int(spec.count(ctx)), 1)
        last = [0]

        def progress(done: int) -> None:
            percent = min(99, done * 100 // total)
            if percent > last[0]:  # about one UPDATE per percent, whatever the row count
                last[0] = percent
                Export.objects.filter(pk=export_id).update(progress=percent)

        actor = export.requested_by
        name = (actor.display_name or actor.username) if actor else ""
        rows = write_ledger(spec, layout, ctx, plain, watermark=watermark_text(name=name, at=now),
                            filled_by=name, progress=progress)
        plain.chmod(0o600)
        if export.encrypted:
            password = crypto.unseal(export, "password_encrypted")
            _encrypt(plain, encrypted_part, password)
            plain.unlink()
            encrypted_part.chmod(0o600)
            encrypted_part.replace(final)
        else:
            plain.replace(final)
        finished = timezone.now()
        with transaction.atomic():
            Export.objects.filter(pk=export_id).update(
                status=Export.Status.DONE, progress=100, rows=rows, size=final.stat().st_size,
                filename=export_filename(export), stored_path=str(final), finished_at=finished,
                expires_at=finished + timedelta(hours=_expiry_hours(export, ctx.communities)),
                password_encrypted="")
            audit_record(actor=actor, action=AuditEntry.Action.EXPORT, object_type="ledger", object_id=export.ledger,
                         community_id=export.community_id, count=rows, via=export.via,
                         fields=["masked" if export.masked else "unmasked",
                                 f"range:{export.date_from.isoformat()}..{export.date_to.isoformat()}",
                                 f"export:{export.pk}",
                                 f"street:{export.street.code}" if export.street_id else
                                 f"community:{export.community.code}"])
    except Exception:
        logger.exception("ledger export %s failed", export_id)  # ids only: no personal data in the log
        for path in (plain, encrypted_part, final):
            path.unlink(missing_ok=True)
        Export.objects.filter(pk=export_id).update(
            status=Export.Status.FAILED, password_encrypted="", finished_at=timezone.now(),
            error=str(_("The file could not be written. Try again or tell support.")))
    exports_expire()
    return Export.objects.get(pk=export_id)


# An export still running after this long has lost its worker (a restart, a killed process): it is marked
# failed, so that its row stops polling and the user exports again. The largest export (a district's day)
# takes a minute or two.
STALE_AFTER = timedelta(hours=1)


def exports_expire(*, now=None) -> int:
    """Delete the files of exports past their expiry and mark them expired; mark exports whose worker was
    lost as failed (forgetting their password and removing any partial file). Return how many expired."""
    now = now or timezone.now()
    count = 0
    for pk, stored in Export.objects.filter(status=Export.Status.DONE, expires_at__lte=now).values_list(
            "pk", "stored_path"):
        if stored:
            Path(stored).unlink(missing_ok=True)
        count += Export.objects.filter(pk=pk, status=Export.Status.DONE).update(
            status=Export.Status.EXPIRED, stored_path="")
    Export.objects.filter(status=Export.Status.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=Export.Status.FAILED, password_encrypted="", finished_at=now,
        error=str(_("The export stopped before its file was written. Export again.")))
    cutoff = (now - STALE_AFTER).timestamp()
    for partial in exports_dir().glob("*.part"):  # what a lost worker left half written
        try:
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
        except OSError:
            continue
    return count
