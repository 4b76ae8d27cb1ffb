#!/usr/bin/env bash
# The serve-sut benchmark of issue 15 (docs/performance.md, "serve-sut"): `wrk` plays the app
# (create an order, apply pay for it: bench/live/order_pay.lua) on keep-alive connections against
# `paysim serve-sut` serving bench/live/shop.yaml, which calls a `paysim serve-channel` for each
# payment's trade. Each round measures serve-sut in memory, then with its SQLite journal (--db),
# then with --db-full-sync (an fsync per commit). With a journal, the service is then killed
# (SIGKILL) and restarted on it: the restart replays every entry (there is no checkpoint), and the
# line says how many and how long until it listened again.
#   scripts/bench-serve-sut.sh
# Environment: DURATION (default 20s), ROUNDS (3), CONNECTIONS (32), PAYSIM_JOBS (build jobs, 1),
# PAYSIM_BENCH_BINARY (a paysim binary to measure instead of building build/release/paysim).
# Installs wrk from Debian when missing (only here: not a build or test dependency). Everything
# listens on 127.0.0.1 and stops with the script.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20s}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-32}

source scripts/bench-common.sh
binary=$(bench_binary)
bench_tools wrk=wrk
export PAYSIM_CHANNEL_SECRET=bench-secret

bench_machine
echo "wrk -t1 -c$connections, create order + apply pay (bench/live/order_pay.lua), $duration per run"
for round in $(seq "$rounds"); do
  for storage in memory db db-full-sync; do
    sut_port=$(free_port)
    "$binary" serve-channel bench/live/shop.yaml --listen 127.0.0.1:0 --max-connections 1024 \
      --notify-url "http://127.0.0.1:$sut_port/v1/channels/bench/notify" 2>"$work/channel.log" &
    channel_pid=$!
    pids+=("$channel_pid")
    channel_port=$(port_of "$work/channel.log")
    args=(serve-sut bench/live/shop.yaml --listen "127.0.0.1:$sut_port" --max-connections 1024
          --channel "http://127.0.0.1:$channel_port")
    rm -f "$work/shop.db"*
    [[ $storage != memory ]] && args+=(--db "$work/shop.db")
    [[ $storage == db-full-sync ]] && args+=(--db-full-sync)
    "$binary" "${args[@]}" 2>"$work/sut.log" &
    sut_pid=$!
    pids+=("$sut_pid")
    port_of "$work/sut.log" >/dev/null
    wrk -t1 -c"$connections" -d"$duration" --latency -s bench/live/order_pay.lua \
      "http://127.0.0.1:$sut_port" >"$work/wrk.txt"
    rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$sut_pid/status")
    db_kb=0
    [[ $storage != memory ]] && db_kb=$(du -sk "$work"/shop.db* | awk '{s += $1} END {print s}')
    restart=""
    if [[ $storage != memory ]]; then
      kill -KILL "$sut_pid"
      wait "$sut_pid" 2>/dev/null || true
      started=$(date +%s.%N)
      "$binary" "${args[@]}" 2>"$work/sut.log" &
      sut_pid=$!
      pids+=("$sut_pid")
      for _ in $(seq 6000); do
        grep -q "listening on" "$work/sut.log" 2>/dev/null && break
        sleep 0.05
      done
      entries=$(sed -n 's/.*: \([0-9]*\) journal entries (.*/\1/p' "$work/sut.log")
      restart=" restart_entries=${entries:-?} restart_s=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')"
    fi
    echo "round $round $storage $(sed -n 's/^RESULT //p' "$work/wrk.txt") rss_kb=$rss_kb db_kb=$db_kb$restart"
    kill "$sut_pid" "$channel_pid"
    wait "$sut_pid" "$channel_pid" 2>/dev/null || true
  done
done
