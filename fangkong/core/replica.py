"""Reads from a PostgreSQL streaming replica (docs/replicas.md, docs/decisions/0019).

With `DATABASE_REPLICA_URL` set, settings add the `replica` alias and `ReplicaRouter`, and
`ReplicaReadsMiddleware` switches the reads of a few GET requests (list pages, dashboards, reports, exports:
`REPLICA_PAGES`, `REPLICA_API_ROUTES`) to the replica. Everything else reads the primary, and so do:
- a user who wrote within `FANGKONG_READ_YOUR_WRITES_SECONDS` (recorded in the shared cache by user id, so
  it holds across app servers and between pages and the API);
- the rest of a request once it wrote, and anything inside a transaction on the primary;
- the tables of security decisions and bookkeeping (`PRIMARY_ONLY`): a replica a second behind must not
  let a paused search through;
- every request while the replica is unreachable, not streaming, or more than
  `FANGKONG_REPLICA_MAX_LAG_SECONDS` behind: the probe that says so runs at most once a second a process
  (every few seconds while the replica is down), logs a WARNING without personal data, and counts.

The switch is a context variable: one per thread, and per greenlet under gevent (greenlet ≥ 1.0 gives each
greenlet its own context), reset when the request ends. Writes always go to the primary.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD"})
log = logging.getLogger("fangkong.replica")

# Pages whose reads may come from the replica, by "namespace:name": lists, dashboards, reports, the
# downloads list. Not: the gate console and anything a guard acts on (a revocation must show at once),
# detail pages that follow a change, progress bars, the audit log.
REPLICA_PAGES = frozenset({
    "dashboard:home",
    "registry:person_list", "registry:household_list",
    "passes:pass_list",
    "screening:round_list", "screening:round_detail", "screening:changes",
    "observation:observation_list", "observation:returnee_list", "observation:alert_list",
    "observation:site_list",
    "verification:index", "verification:rows",
    "sanitation:area_list", "sanitation:log", "sanitation:patrol_list",
    "reports:index", "reports:street", "reports:daily",
    "ledgers:exports", "ledgers:layouts",
    "meetings:briefings", "meetings:meeting_list", "meetings:actions", "meetings:plans",
    "notices:list", "notices:messages",
    "helpdesk:list", "shops:merchant_list", "shops:alert_list",
    "supplies:index", "supplies:movements", "supplies:donations",
    "volunteers:list", "workgroup:org_chart",
})

# The API's list operations (GET), by URL route: django-ninja names a path after its first operation, so
# GET and POST of one path share a name, but never a method.
REPLICA_API_ROUTES = frozenset({
    "api/v1/dashboard",
    "api/v1/people", "api/v1/households", "api/v1/grids",
    "api/v1/passes", "api/v1/scans",
    "api/v1/screening/rounds", "api/v1/screening/changes", "api/v1/screening/rounds/<round_id>/coverage",
    "api/v1/screening/rounds/<round_id>/visits",
    "api/v1/observations", "api/v1/returnee-reports", "api/v1/alerts", "api/v1/observation-sites",
    "api/v1/verification-lists", "api/v1/sanitation/areas",
    "api/v1/reports/daily", "api/v1/reports/daily/status",
    "api/v1/exports", "api/v1/ledgers",
    "api/v1/briefings", "api/v1/meetings", "api/v1/actions", "api/v1/plans", "api/v1/notices",
    "api/v1/requests", "api/v1/merchants", "api/v1/supplies/items", "api/v1/supplies/stock",
    "api/v1/volunteers",
})

# Unsafe requests after which no write is recorded: a gate scan is not followed by a list read by the same
# device, and the scan path takes no extra cost (no cache write per scan).
NO_WRITE_RECORD_PREFIXES = ("/api/v1/scans",)

# Read from the primary always, and writing them does not pin a request to the primary: the cache table,
# sessions, login throttling, the task queue, API tokens, and the audit log and security alerts that the
# exact search's budget reads right after writing (registry.identifier_search).
PRIMARY_ONLY_APPS = frozenset({"django_cache", "sessions", "axes", "django_tasks_database"})
PRIMARY_ONLY_MODELS = frozenset({"accounts.auditentry", "accounts.securityalert", "accounts.apitoken"})

PROBE_SECONDS = 1.0  # a healthy or lagging replica is asked again after this long, per process
RETRY_SECONDS = 5.0  # an unreachable one: no connection attempt per request while it is down

# Lag in seconds: 0 when everything received has been replayed (an idle primary sends nothing, and the
# last replayed commit grows old without any lag), else the age of the last replayed commit. On a server
# that is not in recovery (a promoted standby, or the primary itself as in the test mirror) it is 0.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END,
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
"""


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _max_lag() -> float:
    return float(getattr(settings, "FANGKONG_REPLICA_MAX_LAG_SECONDS", 10))


def _ryw_seconds() -> float:
    return float(getattr(settings, "FANGKONG_READ_YOUR_WRITES_SECONDS", 5))


# -- counters: per process, added to the shared cache at each probe so that `replica_status` sees all -----

_counts: Counter[str] = Counter()
_unflushed: Counter[str] = Counter()
_counts_lock = threading.Lock()
COUNTER_NAMES = ("replica_reads", "fallback_unreachable", "fallback_lagging", "fallback_disconnected")


def _count(name: str) -> None:
    with _counts_lock:
        _counts[name] += 1
        _unflushed[name] += 1


def _flush_counts() -> None:
    with _counts_lock:
        pending = dict(_unflushed)
        _unflushed.clear()
    for name, n in pending.items():
        key = f"fangkong:replica:{name}"
        try:
            cache.add(key, 0, timeout=None)
            cache.incr(key, n)
        except Exception:  # the cache down: the figures are for operators, the request goes on
            log.debug("replica counters not flushed")


def replica_counts() -> dict[str, dict[str, int]]:
    """This process's counters and the totals of every process (as far as they were flushed)."""
    _flush_counts()
    shared = {}
    for name in COUNTER_NAMES:
        try:
            shared[name] = int(cache.get(f"fangkong:replica:{name}") or 0)
        except Exception:
            shared[name] = 0
    with _counts_lock:
        local = {name: _counts[name] for name in COUNTER_NAMES}
    return {"process": local, "all": shared}


# -- the probe -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Health:
    usable: bool
    reason: str  # "" when usable, else "unreachable", "lagging" or "disconnected"
    lag: float | None
    checked: float  # time.monotonic() of the probe


_health: Health | None = None


def replica_health(*, refresh: bool = False) -> Health:
    """Whether reads may go to the replica now; probed at most every PROBE_SECONDS (RETRY_SECONDS while
    unreachable) a process."""
    global _health
    health = _health
    now = time.monotonic()
    if health is not None and not refresh:
        wait = RETRY_SECONDS if health.reason == "unreachable" else PROBE_SECONDS
        if now - health.checked < wait:
            return health
    health = _probe()
    _health = health
    if not health.usable:
        # No personal data: the reason and the lag only (a driver's message may carry a host, never a person).
        log.warning("Reads fall back to the primary: replica %s (lag %s s, limit %s s)", health.reason,
                    "?" if health.lag is None else f"{health.lag:.1f}", _max_lag())
    _flush_counts()
    return health


def replica_probe_reset() -> None:
    """Forget the last probe (tests, and after an operator fixed the replica)."""
    global _health
    _health = None


def _probe() -> Health:
    conn = connections[REPLICA]
    try:
        with conn.cursor() as cur:
            cur.execute(LAG_SQL)
            in_recovery, lag, streaming = cur.fetchone()
    except Exception as exc:  # refused, timed out, pool exhausted, server gone: any of them means "not now"
        log.debug("replica probe failed: %s", type(exc).__name__)
        with contextlib.suppress(Exception):
            conn.close()
        return Health(False, "unreachable", None, time.monotonic())
    lag = float(lag or 0)
    if in_recovery and not streaming:
        return Health(False, "disconnected", lag, time.monotonic())
    if lag > _max_lag():
        return Health(False, "lagging", lag, time.monotonic())
    return Health(True, "", lag, time.monotonic())


# -- the request-scoped switch ---------------------------------------------------------------------------


@dataclass(slots=True)
class Route:
    """Where one request's reads go. `user_id` None: an API request whose token is not checked yet."""

    request: HttpRequest | None
    user_id: int | None
    replica: bool
    wrote: bool = False
    fell_back: bool = False
    used: str = ""  # the alias the router last chose for a read ("" before any): tests and bench look


_route: ContextVar[Route | None] = ContextVar("fangkong_replica_route", default=None)


def current_route() -> Route | None:
    return _route.get()


@contextmanager
def replica_reads() -> Iterator[Route]:
    """Reads in the block from the replica, under the same rules as a routed request (a background job
    reading what was written long before, the bench, the tests)."""
    token = _route.set(Route(request=None, user_id=0, replica=replica_configured()))
    try:
        yield _route.get()
    finally:
        _route.reset(token)


def _primary_only(model) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS


def _api_user_id(route: Route) -> int | None:
    """The API authenticates inside the view (accounts.bearer sets request.user): until then, None."""
    user = route.request.__dict__.get("user") if route.request is not None else None
    return getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None


class ReplicaRouter:
    """Writes and migrations on the primary; reads on the replica when the request's switch says so."""

    def db_for_read(self, model, **hints) -> str:
        route = _route.get()
        if route is None or not route.replica or route.wrote or _primary_only(model):
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:  # a transaction reads its own writes
            return DEFAULT_DB_ALIAS
        if route.user_id is None:
            user_id = _api_user_id(route)
            if user_id is None:
                return DEFAULT_DB_ALIAS  # the token check itself, and anything before it
            route.user_id = user_id
            route.replica = not wrote_recently(user_id)
            if not route.replica:
                return DEFAULT_DB_ALIAS
        health = replica_health()
        if not health.usable:
            if not route.fell_back:
                route.fell_back = True
                _count("fallback_" + health.reason)
            route.used = DEFAULT_DB_ALIAS
            return DEFAULT_DB_ALIAS
        if route.used != REPLICA:
            _count("replica_reads")
        route.used = REPLICA
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        route = _route.get()
        if route is not None and not _primary_only(model):
            route.wrote = True  # the rest of this request reads what it wrote
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True  # one database, two doors
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


# -- read-your-writes ------------------------------------------------------------------------------------


def _wrote_key(user_id: int) -> str:
    return f"fangkong:wrote:{user_id}"


def writes_record(user_id: int) -> None:
    """`user_id` wrote just now: their reads stay on the primary for FANGKONG_READ_YOUR_WRITES_SECONDS."""
    seconds = _ryw_seconds()
    if seconds <= 0:
        return
    try:
        cache.set(_wrote_key(user_id), 1, timeout=seconds)
    except Exception:  # the cache down: wrote_recently() fails towards the primary too
        log.debug("read-your-writes mark not stored")


def wrote_recently(user_id: int) -> bool:
    if _ryw_seconds() <= 0:
        return False
    try:
        return cache.get(_wrote_key(user_id)) is not None
    except Exception:  # cannot tell: the primary is always right
        return True


def _session_user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)  # pages: AuthenticationMiddleware's lazy user; API: the token's
    return user.pk if user is not None and user.is_authenticated else None


class ReplicaReadsMiddleware:
    """After AuthenticationMiddleware. GET/HEAD of a page in REPLICA_PAGES or an API route in
    REPLICA_API_ROUTES reads from the replica unless the user wrote lately; an unsafe request that succeeded
    records the user's write. Not installed (MiddlewareNotUsed) when no replica is configured."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response) -> None:
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS:
            try:
                return self.get_response(request)
            finally:
                _route.set(None)  # a streamed body reads from the primary
        response = self.get_response(request)
        if response.status_code < 400 and not request.path_info.startswith(NO_WRITE_RECORD_PREFIXES):
            user_id = _session_user_id(request)
            if user_id is not None:
                writes_record(user_id)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if request.method not in SAFE_METHODS:
            return
        match = request.resolver_match
        if match.route in REPLICA_API_ROUTES:
            _route.set(Route(request=request, user_id=None, replica=True))
        elif match.view_name in REPLICA_PAGES:
            user_id = _session_user_id(request)  # the session and its user are read from the primary
            if user_id is not None:
                _route.set(Route(request=request, user_id=user_id, replica=not wrote_recently(user_id)))


def replica_status() -> dict:
    """For operators (`fangkong manage replica_status`): configured, usable now, lag, the counters."""
    if not replica_configured():
        return {"configured": False}
    health = replica_health(refresh=True)
    return {"configured": True, "usable": health.usable, "reason": health.reason, "lag_seconds": health.lag,
            "max_lag_seconds": _max_lag(), "read_your_writes_seconds": _ryw_seconds(), "counters": replica_counts()}
