"""Writes for accounts: users and grants, API tokens, audit entries, reveals."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import ApiToken, AuditEntry, ScopeGrant, SecurityAlert, User
from fangkong.accounts.roles import Perm, Role, role_can
from fangkong.core.db import PerDatabase, Statement, binding_cursor, column_name, statement, table_name
from fangkong.core.errors import NotFound, PermissionDenied
from fangkong.core.localcache import TTLCache
from fangkong.core.shared_state import bump_on_commit


def audit_record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: object = "",
    community_id: int | None = None,
    fields: Iterable[str] = (),
    count: int = 1,
    via: str = "web",
) -> AuditEntry:
    """Write one audit entry. Call it inside the service's transaction so both land or neither."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_username=actor.username if actor is not None else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        community_id=community_id,
        fields=sorted(fields),
        count=count,
        via=via,
    )


def require(actor: User, perm: Perm) -> None:
    if not actor.is_authenticated or not role_can(actor.role, perm):
        raise PermissionDenied(_("Your role does not allow this"))


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: Role | str,
    display_name: str = "",
    streets: Iterable = (),
    communities: Iterable = (),
    grids: Iterable = (),
    is_staff: bool = False,
    actor: User | None = None,
    via: str = "command",
) -> User:
    """A user with a role and grants, for the demo, the synthetic seed, scripts and tests. The password is
    not put through AUTH_PASSWORD_VALIDATORS: those apply where people choose one (docs/decisions/0011)."""
    user = User(username=username, role=role, display_name=display_name, is_staff=is_staff)
    user.is_superuser = role == Role.ADMINISTRATOR
    user.set_password(password)
    user.save()
    grants = ScopeGrant.objects.bulk_create(
        [ScopeGrant(user=user, street=s) for s in streets]
        + [ScopeGrant(user=user, community=c) for c in communities]
        + [ScopeGrant(user=user, grid=g) for g in grids]
    )
    fields = ["username", "password", "role", "display_name", "is_staff", "is_superuser"]
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, object_type="user", object_id=user.pk,
                 fields=fields + (["scope_grants"] if grants else []), via=via)
    return user


# Users, roles and scope grants changed in the admin: the admin's form has built (or changed) the row, and
# these save it with its audit entry, field names only. Called from accounts/admin.py, explicitly.

@transaction.atomic
def user_add(*, actor: User, user: User, fields: Iterable[str], via: str = "admin") -> User:
    user.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, object_type="user", object_id=user.pk,
                 fields=fields, via=via)
    return user


@transaction.atomic
def user_change(*, actor: User, user: User, fields: Iterable[str], via: str = "admin") -> User:
    """Save a changed user (the role among its fields) with an audit entry naming the changed fields."""
    user.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, object_type="user", object_id=user.pk,
                 fields=fields, via=via)
    bump_on_commit("users")  # a role or is_active changed: the scan caches forget the user
    return user


def user_password_changed(*, actor: User, user: User, via: str = "admin") -> None:
    """The audit entry of a password set through Django's own password form (which saves the user);
    call it in that form's transaction."""
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, object_type="user", object_id=user.pk,
                 fields=["password"], via=via)


@transaction.atomic
def user_delete(*, actor: User, user: User, via: str = "admin") -> None:
    """Delete a user and, with it, their grants: each grant's removal is audited under its community."""
    for grant in user.scope_grants.select_related("grid"):
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, object_type="scope_grant", object_id=grant.pk,
                     community_id=_grant_community_id(grant), fields=_grant_fields(grant), via=via)
    pk = user.pk
    user.delete()
    bump_on_commit("users")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, object_type="user", object_id=pk, via=via)


def _grant_fields(grant: ScopeGrant) -> list[str]:
    return ["user"] + [name for name in ("street", "community", "grid") if getattr(grant, f"{name}_id")]


def _grant_community_id(grant: ScopeGrant) -> int | None:
    """The community a grant opens, so that the community's own audit log shows it; none for a street."""
    if grant.community_id:
        return grant.community_id
    return grant.grid.community_id if grant.grid_id else None


@transaction.atomic
def scope_grant_add(*, actor: User, grant: ScopeGrant, via: str = "admin") -> ScopeGrant:
    grant.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, object_type="scope_grant", object_id=grant.pk,
                 community_id=_grant_community_id(grant), fields=_grant_fields(grant), via=via)
    bump_on_commit("users")  # the scan's cached scope of the user
    return grant


@transaction.atomic
def scope_grant_change(*, actor: User, grant: ScopeGrant, fields: Iterable[str], via: str = "admin") -> ScopeGrant:
    """Save a changed grant. Moved to another place, it is audited under the community it left and the one
    it now opens, so that each community's log shows who gained or lost access there."""
    fields = list(fields)
    before = _grant_community_id(ScopeGrant.objects.select_related("grid").get(pk=grant.pk))
    grant.save()
    bump_on_commit("users")
    after = _grant_community_id(grant)
    for community_id in dict.fromkeys([after, before]):
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, object_type="scope_grant", object_id=grant.pk,
                     community_id=community_id, fields=fields, via=via)
    return grant


@transaction.atomic
def scope_grant_remove(*, actor: User, grant: ScopeGrant, via: str = "admin") -> None:
    pk, community_id, fields = grant.pk, _grant_community_id(grant), _grant_fields(grant)
    grant.delete()
    bump_on_commit("users")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, object_type="scope_grant", object_id=pk,
                 community_id=community_id, fields=fields, via=via)


TOKEN_PREFIX_CHARS = 10  # "fk_" and 7 random characters: to tell tokens apart, 42 of 256 bits


@transaction.atomic
def token_create(*, user: User, name: str = "default", replace: bool = False) -> str:
    """A new API token for `user`, returned once: only its hash is kept, so it cannot be shown again.
    With `replace`, the user's other active tokens are revoked in the same transaction."""
    if replace:
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        bump_on_commit("users")  # the revoked tokens stop scanning on every server
    key = "fk_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name[:64], key_hash=ApiToken.hash_key(key),
                            key_prefix=key[:TOKEN_PREFIX_CHARS])
    return key


def _user_by_key_query(conn: BaseDatabaseWrapper) -> tuple[Statement, list[str]]:
    """SELECT of every User column by token hash, with the backend's converters of its columns (SQLite
    returns datetimes as text, for one), and the attribute names: what RawQuerySet works out on every
    call, once."""
    def col(model: type, name: str) -> str:
        return column_name(conn, model, name)

    fields = User._meta.concrete_fields
    columns = ", ".join(f"u.{conn.ops.quote_name(f.column)}" for f in fields)
    sql = (f"SELECT {columns} FROM {table_name(conn, User)} u "  # noqa: S608 -- names from the models
           f"JOIN {table_name(conn, ApiToken)} t ON t.{col(ApiToken, 'user')} = u.{col(User, 'id')} "
           f"WHERE t.{col(ApiToken, 'key_hash')} = %s AND t.{col(ApiToken, 'revoked_at')} IS NULL "
           f"AND u.{col(User, 'is_active')} = %s")
    params = [ApiToken._meta.get_field("key_hash"), User._meta.get_field("is_active")]
    return statement(conn, sql, params=params, columns=fields), [f.attname for f in fields]


_user_by_key = PerDatabase(_user_by_key_query)


def token_authenticate(key: str) -> User | None:
    """One statement: the user behind an active token. It runs on every API request, gate scans above
    all, so it skips RawQuerySet's work on every call (15 % of a scan's instructions, docs/performance.md)."""
    if not key or len(key) > 200:
        return None
    return _user_by_key_hash(ApiToken.hash_key(key))


def _user_by_key_hash(key_hash: str) -> User | None:
    query, names = _user_by_key()
    with binding_cursor() as cur:
        query.execute(cur, [key_hash, True])
        row = query.fetchone(cur)
    return None if row is None else User.from_db(DEFAULT_DB_ALIAS, names, row)


# Gate devices send a scan every few seconds with the same token. The scan endpoints remember a
# token's user for this long in each server process, saving a statement and a round trip per scan
# (docs/decisions/0009-gevent-workers-and-the-scan-token-cache.md). A token revoked or a user changed
# (deactivated, another role or scope) bumps the `users` generation (core/shared_state.py): the process
# that made the change forgets at once, the others within about a second with Redis, else within this
# time; every other endpoint (reveals, exports, revocations) looks the token up each time.
# Only a token that authenticates is kept, so a new token works at once and guesses fill nothing.
SCAN_TOKEN_SECONDS = 10.0
_scan_tokens: TTLCache[User] = TTLCache(SCAN_TOKEN_SECONDS, generation="users")


def token_authenticate_for_scans(key: str) -> User | None:
    if not key or len(key) > 200:
        return None
    key_hash = ApiToken.hash_key(key)
    return _scan_tokens.get_or_set(key_hash, lambda: _user_by_key_hash(key_hash), keep_none=False)


@transaction.atomic
def security_alert_close(*, actor: User, alert_id: int) -> SecurityAlert:
    """An administrator has looked at the alert; closing a paused-search alert lifts the pause."""
    require(actor, Perm.MANAGE_SECURITY)
    alert = SecurityAlert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("No such alert"))
    if alert.closed_at is None:
        alert.closed_at, alert.closed_by = timezone.now(), actor
        alert.save(update_fields=["closed_at", "closed_by"])
        audit_record(actor=actor, action="update", object_type="security_alert", object_id=alert.pk,
                     fields=["closed_at"])
    return alert
