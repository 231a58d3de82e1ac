"""Reads for the ledgers, scoped at this one door: which ledgers a user may export, the layout in force,
and the exports a user may see and download."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm, Role, role_can
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound, PermissionDenied
from fangkong.ledgers.errors import LedgerCode
from fangkong.ledgers.layouts import Layout, layout_default, layout_from_data
from fangkong.ledgers.models import Export, Ledger, LedgerLayout
from fangkong.ledgers.sources import SPECS
from fangkong.ledgers.spec import Kind, LedgerSpec, Level
from fangkong.registry.models import Community, Street


def spec_get(ledger: str) -> LedgerSpec:
    spec = SPECS.get(ledger)
    if spec is None:
        raise FieldError("ledger", LedgerCode.UNKNOWN_LEDGER, _("No such ledger"))
    return spec


def ledger_label(ledger: str) -> str:
    return str(dict(Ledger.choices).get(ledger, ledger))


def ledger_choices(*, actor: User) -> list[tuple[str, str]]:
    """The ledgers the actor may export: EXPORT_LEDGERS and each ledger's own permission."""
    if not role_can(actor.role, Perm.EXPORT_LEDGERS):
        return []
    return [(key, ledger_label(key)) for key, spec in SPECS.items() if role_can(actor.role, spec.perm)]


def ledger_layout_stored(*, ledger: str, community: Community | None = None,
                         street: Street | None = None) -> LedgerLayout | None:
    """The layout row kept at exactly this level (community or street), if any."""
    if community is not None:
        return LedgerLayout.objects.filter(ledger=ledger, community=community).first()
    if street is not None:
        return LedgerLayout.objects.filter(ledger=ledger, street=street).first()
    return None


def ledger_layout_effective(*, ledger: str, community: Community | None = None,
                            street: Street | None = None) -> Layout:
    """The layout in force: the community's own, else its street's, else the built-in default."""
    spec = spec_get(ledger)
    filters = Q()
    if community is not None:
        filters |= Q(community=community)
        street = street or community.street
    if street is not None:
        filters |= Q(street=street)
    if filters:
        rows = {("c" if row.community_id else "s"): row for row in LedgerLayout.objects.filter(filters, ledger=ledger)}
        row = rows.get("c") or rows.get("s")
        if row is not None:
            return layout_from_data(spec, title=row.title, columns=row.columns)
    return layout_default(spec)


def street_communities_in_scope(*, actor: User, street: Street) -> list[Community]:
    """The street's communities the actor sees, by code (a street ledger lists these and no others)."""
    return list(Community.objects.for_scope(scope_of(actor)).filter(street=street).select_related("street")
                .order_by("code"))


def streets_in_scope(*, actor: User) -> QuerySet[Street]:
    scope = scope_of(actor)
    streets = Street.objects.order_by("code")
    if scope.is_all:
        return streets
    return streets.filter(communities__id__in=scope.visible_community_ids).distinct()


def street_held(*, actor: User, street: Street) -> bool:
    """Whether every community of the street is in the actor's scope (a street office, an administrator)."""
    scope = scope_of(actor)
    if scope.is_all:
        return True
    ids = set(street.communities.values_list("id", flat=True))
    return bool(ids) and ids <= scope.community_ids


def _is_leader_of(actor: User, export: Export) -> bool:
    """Administrators, and a community's leader for that community's exports, may open others' files."""
    if actor.role == Role.ADMINISTRATOR:
        return True
    return (actor.role == Role.COMMUNITY_LEADER and export.community_id is not None
            and scope_of(actor).covers_whole_community(export.community_id))


def _in_scope(actor: User, export: Export) -> bool:
    scope = scope_of(actor)
    if scope.is_all:
        return True
    if export.community_id is not None:
        return scope.covers_community(export.community_id)
    return Community.objects.filter(street_id=export.street_id, id__in=scope.visible_community_ids).exists()


def export_list(*, actor: User) -> QuerySet[Export]:
    """The downloads list: the actor's own exports, and for a community leader (an administrator: all)
    the exports of their communities' ledgers by anyone."""
    require(actor, Perm.EXPORT_LEDGERS)
    qs = Export.objects.select_related("community", "street", "requested_by")
    if actor.role == Role.ADMINISTRATOR:
        return qs
    mine = Q(requested_by=actor)
    if actor.role == Role.COMMUNITY_LEADER:
        mine |= Q(community_id__in=scope_of(actor).community_ids)
    return qs.filter(mine)


def export_get(*, actor: User, pk: int) -> Export:
    """One export: 404 outside the actor's scope, 403 to anyone in scope but its exporter and the
    community's leaders (a file of names is for who asked for it, not for the whole office)."""
    require(actor, Perm.EXPORT_LEDGERS)
    export = Export.objects.select_related("community", "street", "requested_by").filter(pk=pk).first()
    if export is None or not _in_scope(actor, export):
        raise NotFound(_("No such export"))
    if export.requested_by_id != actor.pk and not _is_leader_of(actor, export):
        raise PermissionDenied(_("Only who exported this file and the community's leaders may open it"))
    return export


def export_scope_label(export: Export) -> str:
    if export.street_id:
        return str(export.street.name)
    return str(export.community.name) if export.community_id else ""


def ledger_level(ledger: str) -> Level:
    return spec_get(ledger).level


def export_reveals(actor: User, layout: Layout, masked: bool | None) -> tuple[bool, bool]:
    """(full ID numbers, full phones) in an export: only for roles that may reveal them, only when asked
    (the default when they may), and only when the layout shows such a column (else nothing to protect)."""
    if masked:
        return False, False
    kinds = {column.kind for column, _h in layout.columns}
    return (Kind.ID in kinds and role_can(actor.role, Perm.REVEAL_ID_NUMBER),
            Kind.PHONE in kinds and role_can(actor.role, Perm.REVEAL_PHONE))
