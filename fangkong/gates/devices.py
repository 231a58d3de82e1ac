"""Gate devices as they report themselves, and the token a device scans with.

A device (the installed gate console) reports after every sync and every upload of its queue: app
version, queue length, minutes offline on its local day, last sync. The office reads them on
/gates/devices/ to find a device that is behind before its scans are (`Perm.MANAGE_ROSTER`: those who
run the gates; guards report, they do not read the list).

The token: the console, opened online with the guard's session, asks for a bearer token for its device
id; one active token per (guard, device): asking again revokes the previous one of that device.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import AuditEntry, User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require, token_create
from fangkong.core.errors import FieldError
from fangkong.core.shared_state import bump_on_commit
from fangkong.gates.errors import GateCode
from fangkong.gates.models import Gate, GateDevice
from fangkong.gates.scanning import GateInfo, gate_for_scan

DEVICE_ID_MAX = 36  # a UUID as text


def _device_id(device: str) -> str:
    device = (device or "").strip().lower()
    if not device or len(device) > DEVICE_ID_MAX or not all(c in "0123456789abcdef-" for c in device):
        raise FieldError("device", GateCode.INVALID_DEVICE, _("The device id is a UUID"))
    return device


def token_name(device: str) -> str:
    return f"gate device {device[:DEVICE_ID_MAX]}"


@transaction.atomic
def device_token_create(*, actor: User, gate_code: str, device: str) -> str:
    """A bearer token for the console on `device` at the gate (the guard may scan there); the previous
    token of the same (guard, device) stops working. Audited as a token of the guard's, by device and gate:
    never the token itself."""
    gate = gate_for_scan(actor=actor, code=gate_code)
    device = _device_id(device)
    name = token_name(device)
    if actor.api_tokens.filter(name=name, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        bump_on_commit("users")  # the cached bearer lookups of the scan endpoints forget the old token
    token = token_create(user=actor, name=name)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, object_type="user", object_id=actor.pk,
                 community_id=gate.community_id, fields=["api_token", f"device:{device}", f"gate:{gate.code}"])
    return token


def device_report(*, actor: User, gate: GateInfo, device: str, app_version: str, queue: int,
                  offline_minutes_today: int, last_sync_at: datetime | None, epoch: str) -> GateDevice:
    """Keep what the device said of itself (the caller checked the actor may scan at `gate`)."""
    device = _device_id(device)
    now = timezone.now()
    row, _created = GateDevice.objects.update_or_create(guard=actor, device=device, defaults={
        "community_id": gate.community_id, "gate_id": gate.id, "app_version": app_version[:64], "queue": queue,
        "offline_minutes": offline_minutes_today, "offline_day": timezone.localdate(now),
        "last_sync_at": last_sync_at, "epoch": epoch[:32], "last_seen": now,
    })
    return row


@dataclass(frozen=True)
class DeviceRow:
    gate: str
    gate_name: str
    guard: str
    device: str
    app_version: str
    queue: int
    offline_minutes_today: int
    last_sync_at: datetime | None
    last_seen: datetime

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def device_list(*, actor: User, today: date | None = None) -> list[DeviceRow]:
    """The devices of the actor's communities, by gate, the most recently seen first. Minutes offline are
    today's: a device last heard of on an earlier day has none today."""
    require(actor, Perm.MANAGE_ROSTER)
    today = today or timezone.localdate()
    gates = dict(Gate.objects.for_scope(scope_of(actor)).values_list("id", "code"))
    rows = (GateDevice.objects.for_scope(scope_of(actor)).select_related("gate", "guard")
            .order_by("gate__code", "-last_seen"))
    out = []
    for d in rows:
        if d.gate_id not in gates:
            continue
        out.append(DeviceRow(
            gate=d.gate.code, gate_name=d.gate.name, guard=str(d.guard),
            device=d.device[:8], app_version=d.app_version, queue=d.queue,
            offline_minutes_today=d.offline_minutes if d.offline_day == today else 0,
            last_sync_at=d.last_sync_at, last_seen=d.last_seen))
    return out
