#!/usr/bin/env bash
# Runs every scenario of scenarios/ and the 100 orders/s 1 h baseline with one paysim binary and
# keeps each report.json without its wall-clock lines, so that two binaries can be compared:
#   scripts/report-snapshot.sh /tmp/paysim-before /tmp/snap-before
#   scripts/report-snapshot.sh build/release/paysim /tmp/snap-after
#   diff -r /tmp/snap-before /tmp/snap-after      # nothing: the change left every result as it was
# A change meant to be pure speed (layout, allocation, queue) must leave this diff empty,
# `sim.events` included.
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: scripts/report-snapshot.sh PAYSIM_BINARY OUT_DIR" >&2
  exit 2
fi
bin=$(realpath "$1")
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out"
snapshot() {  # name, then paysim run arguments
  local name=$1
  shift
  # Expectation failures exit 1 and still write the report; only a missing report is an error.
  "$bin" run "$@" --out "$out/.tmp-$name" >/dev/null 2>&1 || true
  grep -v '"wall_ms"' "$out/.tmp-$name/report.json" >"$out/$name.json"
  rm -rf "$out/.tmp-$name"
}
for scenario in "$root"/scenarios/*.yaml; do
  snapshot "$(basename "$scenario" .yaml)" "$scenario"
done
snapshot baseline-100-per-s-1h "$root/scenarios/healthy-baseline.yaml" --set traffic.rate=100/s --set duration=1h
echo "$(ls "$out" | wc -l) reports in $out"
