"""One settings module, every knob from the environment, demo-friendly defaults.

`FANGKONG_DATA_DIR` (set by `fangkong --data-dir`) holds the SQLite database, the generated keys
and uploads when `DATABASE_URL` is not set. Secrets can also come from `<NAME>_FILE`.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None) -> str | None:
    """Read a setting from the environment, or from the file named by `<name>_FILE`."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


DATA_DIR = Path(env("FANGKONG_DATA_DIR", "fangkong-data") or "fangkong-data").resolve()


def _secret_from_data_dir(filename: str, generate) -> str:
    """Keys for a laptop install live in the data dir, created once; production sets them in the env."""
    path = DATA_DIR / filename
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    value = generate()
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
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
]

MIDDLEWARE = [
    # /api/ requests (Bearer token, JSON) skip the session, CSRF, auth, messages, htmx and static-file
    # middleware below: fangkong/core/middleware.py says which and why.
    "fangkong.core.middleware.ApiFastPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
            ],
        },
    },
]

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

# The gate-scan statements are prepared once per PostgreSQL connection (fangkong/core/db.py); 0 turns
# that off, for a transaction-mode pooler without prepared-statement support.
DB_PREPARED_STATEMENTS = (env("DB_PREPARED_STATEMENTS", "1") or "1") != "0"

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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

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
STATICFILES_DIRS += [("vendor/jsqr", d) for d in [BASE_DIR.parent / "node_modules/jsqr/dist"] if d.is_dir()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = (env("FANGKONG_SECURE_COOKIES", "0") or "0") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Never log personal data: request bodies and SQL parameters are not logged at any level.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "fangkong.core.logredact.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {"django.db.backends": {"level": "WARNING", "handlers": ["console"], "propagate": False}},
}
