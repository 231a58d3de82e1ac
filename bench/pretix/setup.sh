#!/usr/bin/env bash
# Stand up pretix (from PyPI) for the check-in load benchmark.
#   bash bench/pretix/setup.sh [ORDERS]      (default ORDERS=20000)
# Creates bench/pretix/.venv, bench/pretix/pretix.cfg, a fresh PostgreSQL database
# pretix_bench (DROPPED and recreated on every run), and writes
#   bench/pretix/secrets.txt   one ticket secret per line (distinct tickets)
#   bench/pretix/token.txt     team API token (event.orders:read + event.orders:checkin)
#   bench/pretix/list_id.txt   id of the check-in list with the once-a-day rule
# Env: PRETIX_VERSION (default 2026.8.0), PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres),
#      PRETIX_DB (pretix_bench), REDIS_URL (redis://127.0.0.1:6379/5; set to "" for no redis).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORDERS="${1:-20000}"
PRETIX_VERSION="${PRETIX_VERSION:-2026.8.0}"
GUNICORN_VERSION="${GUNICORN_VERSION:-23.0.0}"
PGHOST="${PGHOST:-127.0.0.1}"; PGPORT="${PGPORT:-5432}"; PGUSER="${PGUSER:-postgres}"
PRETIX_DB="${PRETIX_DB:-pretix_bench}"
REDIS_URL="${REDIS_URL-redis://127.0.0.1:6379/5}"
export PGHOST PGPORT PGUSER

# --- system packages -------------------------------------------------------
# pretix ships as a pure-Python wheel and all its compiled deps (psycopg2-binary, lxml,
# Pillow, reportlab, libsass, cryptography) come as manylinux wheels, so no -dev packages
# are needed. Node.js is not needed for the API. We need python3-venv, the PostgreSQL
# client (createdb/psql), and wrk for the load generator.
need=()
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
command -v psql >/dev/null || need+=(postgresql-client)
command -v wrk  >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
python3 -c 'import sys; assert sys.version_info >= (3, 11), "pretix 2026.x needs Python >= 3.11"'

# --- venv + pretix -----------------------------------------------------------
if [ ! -x "$HERE/.venv/bin/python" ]; then
  python3 -m venv "$HERE/.venv"
fi
"$HERE/.venv/bin/pip" install -q --disable-pip-version-check "pretix==$PRETIX_VERSION" "gunicorn==$GUNICORN_VERSION"

# --- config -------------------------------------------------------------------
mkdir -p "$HERE/data/logs" "$HERE/data/media" "$HERE/data/static"
SECRET_FILE="$HERE/data/django_secret"
[ -s "$SECRET_FILE" ] || python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > "$SECRET_FILE"
{
cat <<CFG
[pretix]
instance_name=pretix-bench
url=http://127.0.0.1:8001
currency=EUR
datadir=$HERE/data
logdir=$HERE/data/logs
registration=off
; never fetch exchange rates from the internet
ecb_rates=off

[locale]
default=en
timezone=UTC

[django]
secret=$(cat "$SECRET_FILE")
debug=off

[database]
backend=postgresql
name=$PRETIX_DB
user=$PGUSER
host=$PGHOST
port=$PGPORT

[mail]
from=pretix@localhost
host=127.0.0.1
port=25
CFG
if [ -n "$REDIS_URL" ]; then
cat <<CFG

[redis]
location=$REDIS_URL
sessions=true
CFG
fi
} > "$HERE/pretix.cfg"
# No [celery] section: pretix then runs its async tasks eagerly inside the request.

export PRETIX_CONFIG_FILE="$HERE/pretix.cfg"
export DJANGO_SETTINGS_MODULE=pretix.settings

# --- database -------------------------------------------------------------------
# a running bench server holds connections to the database: stop it first
[ -f "$HERE/data/gunicorn.pid" ] && bash "$HERE/serve.sh" stop || true
dropdb --if-exists "$PRETIX_DB"
createdb -E UTF8 -T template0 "$PRETIX_DB"
if [ -n "$REDIS_URL" ]; then
  # flush only pretix's own redis db (cache of the previous database)
  redis-cli -u "$REDIS_URL" FLUSHDB >/dev/null 2>&1 || true
fi
"$HERE/.venv/bin/python" -m pretix migrate --noinput -v 0

# --- demo data ----------------------------------------------------------------------
"$HERE/.venv/bin/python" "$HERE/make_data.py" "$ORDERS" --out "$HERE"
rm -f "$HERE/data/offset"
echo "setup done: $(wc -l < "$HERE/secrets.txt") secrets, list $(cat "$HERE/list_id.txt")"
