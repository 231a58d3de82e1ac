#!/usr/bin/env bash
# Run wrk against pretix's check-in redeem endpoint at concurrency 1, 8 and 32.
#   bash bench/pretix/bench.sh [DURATION] [CONCURRENCIES...]    (default: 10s 1 8 32)
# Needs setup.sh and serve.sh first. Each run starts at the first unused secret
# (remembered in data/offset), so every request is a distinct ticket's first entry today.
# Output: wrk's own report (with --latency) plus a RESULT JSON line per run; a summary
# table at the end; raw output in data/results-<timestamp>.txt.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LUA="$(cd "$HERE/../wrk" && pwd)/redeem_pretix.lua"
DURATION="${1:-10s}"; shift || true
CONCS=("$@"); [ ${#CONCS[@]} -gt 0 ] || CONCS=(1 8 32)
URL="${PRETIX_URL:-http://127.0.0.1:8001}"
case "$URL" in http://127.0.0.1:*|http://localhost:*) ;; *) echo "refusing non-loopback URL $URL" >&2; exit 2;; esac
bash "$HERE/serve.sh" status >/dev/null || { echo "pretix is not running: bash $HERE/serve.sh" >&2; exit 1; }
OFFSET_FILE="$HERE/data/offset"
offset="$(cat "$OFFSET_FILE" 2>/dev/null || echo 0)"
total="$(wc -l < "$HERE/secrets.txt")"
out="$HERE/data/results-$(date +%Y%m%d-%H%M%S).txt"
{ echo "# $(date -Is) nproc=$(nproc) cpu=$(lscpu | sed -n 's/^Model name: *//p') loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"; } | tee "$out"
# Other work on this 2-core box skews the figures: warn when the machine is not idle.
if awk '{exit !($1 > 0.7)}' /proc/loadavg; then
  echo "WARNING: 1-min load average $(cut -d' ' -f1 /proc/loadavg) before the run; figures will be low" | tee -a "$out" >&2
fi
summary=()
# CPU seconds used so far by the gunicorn master + workers (contention-independent cost figure)
gcpu() { local pids; pids="$(cat "$HERE/data/gunicorn.pid") $(pgrep -P "$(cat "$HERE/data/gunicorn.pid")" | tr '\n' ' ')"
         for p in $pids; do awk '{print $14+$15}' "/proc/$p/stat"; done | awk -v hz="$(getconf CLK_TCK)" '{s+=$1} END {printf "%.2f", s/hz}'; }
for c in "${CONCS[@]}"; do
  t=$(( c < 2 ? 1 : 2 ))
  echo "## concurrency $c (wrk -t$t -c$c -d$DURATION), first secret #$offset of $total" | tee -a "$out"
  cpu0="$(gcpu)"
  res="$(PRETIX_DIR="$HERE" PRETIX_OFFSET="$offset" PRETIX_THREADS="$t" \
        wrk -t"$t" -c"$c" -d"$DURATION" --timeout 30s --latency -s "$LUA" "$URL" 2>&1 | tee -a "$out")"
  echo "$res"
  line="$(grep '^RESULT ' <<<"$res" | sed 's/^RESULT //')"
  cpu1="$(gcpu)"
  line="$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["gunicorn_cpu_ms_per_req"]=round(1000*(float(sys.argv[3])-float(sys.argv[2]))/max(r["requests"],1),1); print(json.dumps(r))' "$line" "$cpu0" "$cpu1")"
  echo "   gunicorn CPU per answered request: $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["gunicorn_cpu_ms_per_req"])' "$line") ms" | tee -a "$out"
  offset="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["next_offset"])' "$line")"
  echo "$offset" > "$OFFSET_FILE"
  summary+=("$c $line")
  [ "$offset" -lt "$total" ] || echo "WARNING: secrets exhausted; rerun setup.sh with more orders" >&2
  echo "   loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
  sleep 2
done
echo "## summary" | tee -a "$out"
for s in "${summary[@]}"; do
  python3 - "$s" <<'PY' | tee -a "$out"
import json, sys
c, j = sys.argv[1].split(" ", 1); r = json.loads(j)
print(f"c={c:>3}  {r['rps']:7.1f} req/s  p50 {r['p50_ms']:8.1f} ms  p95 {r['p95_ms']:8.1f} ms  "
      f"p99 {r['p99_ms']:8.1f} ms  ok {r['ok_2xx']}/{r['requests']} ({100*r['ok_share']:.1f}%)  "
      f"non2xx {r['non2xx']}  sock_err {r['socket_errors']}  cpu/req {r['gunicorn_cpu_ms_per_req']} ms")
PY
done
echo "raw output: $out"
