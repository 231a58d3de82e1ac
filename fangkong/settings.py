"""One settings module, every knob from the environment, demo-friendly defaults.

`FANGKONG_DATA_DIR` (set by `fangkong --data-dir`) holds the SQLite database, the generated keys
and uploads when `DATABASE_URL` is not set. Secrets can also come from `<NAME>_FILE`.
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None) -> str | None:
    """Read a setting from the environment, or from the file named by `<name>_FILE`."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_flag(name: str, default: str = "0") -> bool:
    return (env(name, default) or default) == "1"


DATA_DIR = Path(env("FANGKONG_DATA_DIR", "fangkong-data") or "fangkong-data").resolve()


def _private_data_dir() -> Path:
    """The data dir holds keys, the SQLite database and uploads: readable by the service's user only.
    Made 0700 when we create it; an existing folder is left as it is (it may be one the operator chose)."""
    if not DATA_DIR.exists():
        DATA_DIR.mkdir(parents=True, mode=0o700, exist_ok=True)
    return DATA_DIR


def _secret_from_data_dir(filename: str, generate) -> str:
    """Keys for a laptop install live in the data dir, created once; production sets them in the env."""
    path = DATA_DIR / filename
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    _private_data_dir()
    value = generate()
    # Created 0600 from the start, so the key is never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(value)
    return value


def _new_secret_key() -> str:
    from django.core.management.utils import get_random_secret_key

    return get_random_secret_key()


def _new_data_key() -> str:
    import base64
    import secrets

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


SECRET_KEY = env("SECRET_KEY") or _secret_from_data_dir("secret_key", _new_secret_key)
# Encrypts ID numbers and phones at rest and keys their blind index (see fangkong/core/crypto.py).
FANGKONG_DATA_KEY = env("FANGKONG_DATA_KEY") or _secret_from_data_dir("data_key", _new_data_key)

DEBUG = (env("FANGKONG_DEBUG", "0") or "0") == "1"
ALLOWED_HOSTS = [h.strip() for h in (env("ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in (env("CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "ninja",  # the API docs page from its own static files, not a CDN (the Content-Security-Policy allows none)
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "fangkong.core",
    "fangkong.accounts",
    "fangkong.registry",
    "fangkong.policy",
    "fangkong.workgroup",
    "fangkong.gates",
    "fangkong.passes",
    "fangkong.screening",
    "fangkong.observation",
    "fangkong.verification",
    "fangkong.sanitation",
    "fangkong.reports",
    "fangkong.ledgers",
    "fangkong.supplies",
    "fangkong.shops",
    "fangkong.volunteers",
    "fangkong.notices",
    "fangkong.helpdesk",
    "fangkong.meetings",
    "fangkong.dashboard",
]

MIDDLEWARE = [
    # /api/ requests (Bearer token, JSON) skip the session, CSRF, auth, messages, htmx and static-file
    # middleware below: fangkong/core/middleware.py says which and why.
    "fangkong.core.middleware.ApiFastPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After WhiteNoise, so static files keep their caching; inside the session middleware, so the idle
    # expiry it refreshes is saved. Also on the API's shorter chain, where it costs one header write.
    "fangkong.core.headers.ResponseHeadersMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reads of lists, dashboards and reports from the replica; a user's writes recorded for read-your-writes.
    # Also on the API's chain; not installed without DATABASE_REPLICA_URL (fangkong/core/replica.py).
    "fangkong.core.replica.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fangkong.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fangkong.accounts.context_processors.permissions",
                "fangkong.observation.context_processors.open_alerts",
                "fangkong.reports.context_processors.report_reminders",
            ],
        },
    },
]


def _private_sqlite_file(name: str | Path) -> None:
    """Names, addresses and health data are in the database in clear: 0600, like the keys. SQLite creates
    its -wal and -shm files with the database file's permissions, so a private database file keeps all
    three private. An empty file is a valid empty database: made here before SQLite would create it under
    the process umask (0644 as a rule); an older install's files are tightened."""
    if not name or str(name) == ":memory:" or str(name).startswith("file:"):
        return
    path = Path(name)
    if not path.exists():
        if path.parent == DATA_DIR:
            _private_data_dir()
        if not path.parent.is_dir():
            return  # SQLite will fail with a clear message of its own
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        # A file of another owner (an operator's own setup) cannot be changed by us: left as it is.
        with contextlib.suppress(PermissionError):
            if part.exists() and part.stat().st_mode & 0o077:
                part.chmod(0o600)


_sqlite_path = DATA_DIR / "fangkong.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{_sqlite_path}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60") or "60"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    _private_sqlite_file(DATABASES["default"]["NAME"])
elif _pool_max := int(env("DB_POOL_MAX", "0") or "0"):
    # A pool of connections per server process (psycopg_pool, through Django) instead of one kept per
    # thread: `fangkong serve` sets this for its gevent workers, where every HTTP connection is a
    # greenlet of its own and would otherwise open (and keep) a PostgreSQL connection of its own.
    # A request takes a connection at its first query and gives it back when it ends.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, _pool_max),
        "max_size": _pool_max,
        "timeout": 10.0,  # seconds a request waits for a free connection before it fails
    }

# A PostgreSQL streaming replica for the reads of list pages, dashboards, reports and exports
# (docs/replicas.md): same options as the primary, a short connect timeout so that a replica that is down
# costs a request little before it falls back to the primary. Tests see one database (MIRROR).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    _same_engine = _replica["ENGINE"] == DATABASES["default"]["ENGINE"]
    _replica["OPTIONS"] = {**(DATABASES["default"].get("OPTIONS", {}) if _same_engine else {}), "connect_timeout": 2}
    if "pool" in _replica["OPTIONS"]:
        _replica["OPTIONS"]["pool"] = {**_replica["OPTIONS"]["pool"], "timeout": 2.0}
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["fangkong.core.replica.ReplicaRouter"]  # without a replica, no router on any query
# Seconds after a user's write during which their reads stay on the primary (they see what they wrote).
FANGKONG_READ_YOUR_WRITES_SECONDS = float(env("FANGKONG_READ_YOUR_WRITES_SECONDS", "5") or "5")
# A replica further behind than this is not read from: the primary answers, the fallback is logged and counted.
FANGKONG_REPLICA_MAX_LAG_SECONDS = float(env("FANGKONG_REPLICA_MAX_LAG_SECONDS", "10") or "10")

# The gate-scan statements are prepared once per PostgreSQL connection (fangkong/core/db.py); 0 turns
# that off, for a transaction-mode pooler without prepared-statement support.
# Behind a transaction-mode pooler nothing may outlive a transaction on a server connection: DB_POOLER=transaction
# turns Django's server-side cursors off and, unless DB_PREPARED_STATEMENTS=1 says the pooler keeps them, the
# scan path's prepared statements too (docs/scaling-out.md).
DB_POOLER = env("DB_POOLER", "") or ""
if DB_POOLER == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DB_PREPARED_STATEMENTS = (env("DB_PREPARED_STATEMENTS") or ("0" if DB_POOLER == "transaction" else "1")) != "0"

# How long a person's record is kept after registration or its last change, before `fangkong purge`
# anonymises it (docs/decisions/0004).
FANGKONG_RETENTION_DAYS = int(env("FANGKONG_RETENTION_DAYS", "365") or "365")

# Exact searches by ID number or phone that find nobody, per user and hour, before such searches are
# paused for that user and the administrators are alerted (roles that may reveal the field are exempt).
FANGKONG_IDENTIFIER_SEARCH_MISSES = int(env("FANGKONG_IDENTIFIER_SEARCH_MISSES", "10") or "10")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registry:home"  # role-aware: guards land on their gates
LOGOUT_REDIRECT_URL = "accounts:login"
# A form sent from a stale page (signed out meanwhile): an error page that says to open it again and sign in.
CSRF_FAILURE_VIEW = "fangkong.accounts.error_pages.csrf_failure"

# Passwords people set (the admin's forms, `fangkong manage createsuperuser` and `changepassword`) pass
# all four of Django's validators. `accounts.services.user_create` does not validate: it is the path of the
# demo, the synthetic seed and the tests, whose passwords are set by code (docs/decisions/0011).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins (the login page and the admin's) are counted per username and per client address
# (django-axes, in the database); at the limit both are refused, the right password too, until the
# cool-off has passed since the last failure, or an administrator unlocks (docs/operations.md). API tokens
# never pass through here: the Bearer path does not call authenticate().
AUTHENTICATION_BACKENDS = [
    "fangkong.accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_FAILURE_LIMIT = int(env("FANGKONG_LOGIN_FAILURES", "10") or "10")
AXES_COOLOFF_TIME = timedelta(minutes=int(env("FANGKONG_LOGIN_COOLOFF_MINUTES", "30") or "30"))
# A success does not clear the failures: with the address counted, it would also clear the failures of
# every other username tried from that address, so an insider could guess a colleague's password forever.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "fangkong.core.headers.client_address"
# The lockout answer is the login page's own (accounts.views.LoginView), not axes' middleware: that
# middleware would sit on the API's hot path for nothing.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]

# Staff sessions end after this many hours without a request (the expiry is refreshed at most every few
# minutes, fangkong/core/headers.py), and at browser close unless "keep me logged in" was ticked.
FANGKONG_SESSION_IDLE_HOURS = int(env("FANGKONG_SESSION_IDLE_HOURS", "8") or "8")
SESSION_COOKIE_AGE = FANGKONG_SESSION_IDLE_HOURS * 3600
SESSION_SAVE_EVERY_REQUEST = False

# E-mail to residents and groups (notices.channels): the SMTP server of the deployment.
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "fangkong@localhost") or "fangkong@localhost"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "fangkong_cache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Long jobs (imports) run on django-tasks' database backend: no broker for the demo, and a district
# adds workers with `fangkong worker`. Tests set FANGKONG_TASKS=immediate.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env("FANGKONG_TASKS", "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # each language named in its own script
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = None  # served from the apps by WhiteNoise's finders: nothing to collect
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

FILE_UPLOAD_PERMISSIONS = 0o600  # uploads are registries of people
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Served over HTTPS (behind a reverse proxy that terminates TLS): one switch for secure cookies, the
# redirect to https, HSTS and trusting the proxy's X-Forwarded-Proto. FANGKONG_SECURE_COOKIES=1 is the
# older name of the same switch. `fangkong manage check --deploy` passes without a warning with it on.
HTTPS = env_flag("FANGKONG_HTTPS") or env_flag("FANGKONG_SECURE_COOKIES")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True  # pages hand htmx the token in hx-headers; no script reads the cookie
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# One year (the value HSTS preload lists ask for); a first rollout may start lower with FANGKONG_HSTS_SECONDS.
SECURE_HSTS_SECONDS = int(env("FANGKONG_HSTS_SECONDS", "31536000") or "0") if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
X_FRAME_OPTIONS = "DENY"


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """"X-Forwarded-Proto: https" → ("HTTP_X_FORWARDED_PROTO", "https"); "" or "off" → None."""
    if not value.strip() or value.strip().lower() == "off":
        return None
    name, _, expected = value.partition(":")
    return "HTTP_" + name.strip().upper().replace("-", "_"), expected.strip() or "https"


# Behind a proxy that terminates TLS, the request reaches us as http: without this, is_secure() is false,
# the redirect to https loops and absolute URLs (personal links, their QR codes) come out as http://. On by
# default with FANGKONG_HTTPS: `fangkong serve` speaks plain HTTP, so HTTPS means a proxy in front, and
# that proxy must set the header itself (overwriting what a client sent). "off" when nothing sets it.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env("FANGKONG_PROXY_SSL_HEADER", "X-Forwarded-Proto: https" if HTTPS
                                                else "") or "")
# How many proxies in front append to X-Forwarded-For: the client's address for the login throttle is the
# one the outermost of ours saw. 0: REMOTE_ADDR. With a proxy and 0, every client would share the proxy's
# address, and ten wrong passwords would lock everybody out.
FANGKONG_PROXY_HOPS = int(env("FANGKONG_PROXY_HOPS", "1" if SECURE_PROXY_SSL_HEADER else "0") or "0")

# Every page, the API's docs page included (fangkong/core/headers.py): scripts and styles from our own static files only
# (no inline script, no eval); images also from data: and blob: (QR codes, the camera's frames); the
# camera's stream is a MediaStream, which media-src does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The OpenAPI schema and its docs page need a logged-in session or a valid Bearer token; 1 makes them public.
FANGKONG_PUBLIC_API_DOCS = env_flag("FANGKONG_PUBLIC_API_DOCS")

# Never log personal data: request bodies and SQL parameters are not logged at any level.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "fangkong.core.logredact.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {"django.db.backends": {"level": "WARNING", "handlers": ["console"], "propagate": False}},
}
