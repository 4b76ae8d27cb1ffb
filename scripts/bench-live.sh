#!/usr/bin/env bash
# The live-mode benchmark of issue 14 (docs/performance.md): `wrk` with a create+query mix on
# keep-alive connections against `paysim serve-channel` and, in the same run, against nginx
# serving a static answer on loopback (the ceiling of this machine for one server thread).
#   scripts/bench-live.sh               rounds of nginx then serve-channel, each DURATION long
#   scripts/bench-live.sh soak [MIN]    serve-channel alone for MIN minutes (default 10), its
#                                       resident memory sampled from /proc every 10 s
# Environment: DURATION (default 20s), ROUNDS (3), CONNECTIONS (32), THREADS (1),
# PAYSIM_BENCH_TRADES (trades created before the run and queried during it, 1000),
# PAYSIM_JOBS (build jobs, 1), PAYSIM_BENCH_BINARY (a paysim binary to measure instead of
# building build/release/paysim). It installs wrk and
# nginx-light from Debian when missing: only here, they are not build or test dependencies.
# Everything listens on 127.0.0.1 and stops with the script.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-compare}
soak_minutes=${2:-10}
duration=${DURATION:-20s}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-32}
threads=${THREADS:-1}
export PAYSIM_BENCH_TRADES=${PAYSIM_BENCH_TRADES:-1000}

source scripts/bench-common.sh
binary=$(bench_binary)
bench_tools wrk=wrk nginx=nginx-light

# nginx: one worker (serve-channel is one thread), no logs, the same answer to every request.
nginx_port=$(free_port)
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      default_type application/json;
      return 200 '{"trade_id":"tr_1","merchant_order_id":"w1-1","amount_minor":1000,"state":"pending","created_ms":1}';
    }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)

# serve-channel: the benchmark channel (no simulated latency, no fault); callbacks would go to
# nginx (none are sent: nobody pays).
PAYSIM_CHANNEL_SECRET=bench-secret "$binary" serve-channel bench/live/channel.yaml \
  --listen 127.0.0.1:0 --notify-url "http://127.0.0.1:$nginx_port/notify" \
  --max-connections 1024 2>"$work/paysim.log" &
paysim_pid=$!
pids+=("$paysim_pid")
paysim_port=$(port_of "$work/paysim.log")
python3 - "$paysim_port" "$PAYSIM_BENCH_TRADES" <<'PY'
import http.client, json, sys
port, trades = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
for i in range(1, trades + 1):
    conn.request("POST", "/v1/trades", json.dumps({"merchant_order_id": f"pre-{i}", "amount_minor": 1000}))
    answer = conn.getresponse(); answer.read()
    assert answer.status == 200, answer.status
PY

run_wrk() {  # NAME PORT DURATION
  wrk -t"$threads" -c"$connections" -d"$3" --latency -s bench/live/create_query.lua \
    "http://127.0.0.1:$2" | tee "$work/wrk-$1.txt" | sed -n 's/^RESULT /'"$1"' /p'
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$paysim_pid/status"; }

bench_machine
echo "wrk -t$threads -c$connections, create+query mix (bench/live/create_query.lua), $PAYSIM_BENCH_TRADES trades preloaded"
if [[ $mode == soak ]]; then
  echo "soak: ${soak_minutes} min against serve-channel; RSS every 10 s"
  echo "elapsed_s rss_kb trades"
  wrk -t"$threads" -c"$connections" -d"${soak_minutes}m" --latency -s bench/live/create_query.lua \
    "http://127.0.0.1:$paysim_port" >"$work/wrk-soak.txt" &
  wrk_pid=$!
  start=$SECONDS
  while kill -0 "$wrk_pid" 2>/dev/null; do
    trades=$(python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('http://127.0.0.1:$paysim_port/admin/stats', timeout=5))['trades'])" 2>/dev/null || echo "?")
    echo "$((SECONDS - start)) $(rss_kb) $trades"
    sleep 10
  done
  wait "$wrk_pid" || true
  sed -n 's/^RESULT /soak /p' "$work/wrk-soak.txt"
  echo "after: rss_kb $(rss_kb)"
  exit 0
fi

wrk -t1 -c"$connections" -d3s -s bench/live/create_query.lua "http://127.0.0.1:$nginx_port" >/dev/null
wrk -t1 -c"$connections" -d3s -s bench/live/create_query.lua "http://127.0.0.1:$paysim_port" >/dev/null
for round in $(seq "$rounds"); do
  echo "round $round ($duration each)"
  run_wrk nginx "$nginx_port" "$duration"
  run_wrk serve-channel "$paysim_port" "$duration"
done
echo "serve-channel rss_kb $(rss_kb) after the rounds"
