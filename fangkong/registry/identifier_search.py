"""Exact search by a full ID number or phone is a guarded act.

A mask shows the first and last four digits of an ID number; with the community's region code and a
birth decade that leaves a few dozen candidates, and an exact search that answers "found" or "not found"
would confirm the right one. So every exact search is audited (which field, how many hits — never the
value), and a user whose role may not reveal that field gets a budget of misses per hour
(`FANGKONG_IDENTIFIER_SEARCH_MISSES`, default 10): the miss that uses it up blocks their exact searches
for an hour and raises a security alert for the administrators, who may lift the block by closing it.
Registering or changing a person with an ID number held outside the user's scope counts as a miss.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import AuditEntry, SecurityAlert, User
from fangkong.accounts.roles import Perm, role_can
from fangkong.accounts.services import audit_record
from fangkong.core.errors import DomainError
from fangkong.registry.errors import RegistryCode

Field = Literal["id_number", "phone"]
WINDOW = timedelta(hours=1)
_REVEAL = {"id_number": Perm.REVEAL_ID_NUMBER, "phone": Perm.REVEAL_PHONE}


class SearchBlocked(DomainError):
    code = RegistryCode.SEARCH_BLOCKED
    status = 429

    def __init__(self) -> None:
        super().__init__(_("Too many searches by ID number or phone found nobody: such searches are paused for "
                           "an hour. An administrator has been told."))


def _budgeted(actor: User, field: Field) -> bool:
    return not role_can(actor.role, _REVEAL[field])


def identifier_search_check(*, actor: User, field: Field) -> None:
    """Raise `SearchBlocked` while the actor's exact searches are paused."""
    if not _budgeted(actor, field):
        return
    since = timezone.now() - WINDOW
    if SecurityAlert.objects.filter(user=actor, kind=SecurityAlert.Kind.SEARCH_BLOCKED, raised_at__gte=since,
                                    closed_at__isnull=True).exists():
        raise SearchBlocked()


def identifier_search_record(*, actor: User, field: Field, hits: int, via: str = "web") -> None:
    """Audit one exact search; on the miss that uses up the budget, pause the actor's searches and tell
    the administrators."""
    audit_record(actor=actor, action=AuditEntry.Action.SEARCH, object_type="person", fields=[field],
                 count=hits, via=via)
    if hits or not _budgeted(actor, field):
        return
    since = timezone.now() - WINDOW
    misses = AuditEntry.objects.filter(actor=actor, action=AuditEntry.Action.SEARCH, count=0, at__gte=since).count()
    if misses >= settings.FANGKONG_IDENTIFIER_SEARCH_MISSES:
        SecurityAlert.objects.create(kind=SecurityAlert.Kind.SEARCH_BLOCKED, user=actor)
