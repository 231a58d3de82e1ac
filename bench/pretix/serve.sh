#!/usr/bin/env bash
# Start / stop pretix under gunicorn with exactly 2 sync workers on 127.0.0.1:8001.
#   bash bench/pretix/serve.sh          start in the background (pid file data/gunicorn.pid)
#   bash bench/pretix/serve.sh stop     stop it
#   bash bench/pretix/serve.sh status
# Env: PRETIX_BIND (127.0.0.1:8001), PRETIX_WORKERS (2).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PIDFILE="$HERE/data/gunicorn.pid"
BIND="${PRETIX_BIND:-127.0.0.1:8001}"
WORKERS="${PRETIX_WORKERS:-2}"

running() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-start}" in
  stop)
    if running; then
      pid="$(cat "$PIDFILE")"
      kill -TERM "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" || true
      echo "stopped gunicorn (pid $pid)"
    else
      echo "not running"
    fi
    rm -f "$PIDFILE"
    ;;
  status)
    if running; then echo "running (pid $(cat "$PIDFILE")) on $BIND"; else echo "not running"; exit 1; fi
    ;;
  start)
    [ -f "$HERE/pretix.cfg" ] || { echo "run setup.sh first" >&2; exit 1; }
    if running; then echo "already running (pid $(cat "$PIDFILE"))"; exit 0; fi
    mkdir -p "$HERE/data/logs"
    cd "$HERE"
    PRETIX_CONFIG_FILE="$HERE/pretix.cfg" DJANGO_SETTINGS_MODULE=pretix.settings \
      "$HERE/.venv/bin/gunicorn" pretix.wsgi \
        --name pretix-bench \
        --bind "$BIND" \
        --workers "$WORKERS" \
        --worker-class sync \
        --max-requests 0 \
        --timeout 60 \
        --pid "$PIDFILE" \
        --error-logfile "$HERE/data/logs/gunicorn.log" \
        --daemon
    # wait until the API answers (401 without a token is fine)
    for _ in $(seq 1 100); do
      code="$(curl -s -o /dev/null -w '%{http_code}' "http://$BIND/api/v1/organizers/" || true)"
      case "$code" in 200|401|403) echo "gunicorn up (pid $(cat "$PIDFILE")) on http://$BIND, $WORKERS workers"; exit 0;; esac
      sleep 0.3
    done
    echo "gunicorn did not come up; see $HERE/data/logs/gunicorn.log" >&2
    exit 1
    ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2;;
esac
