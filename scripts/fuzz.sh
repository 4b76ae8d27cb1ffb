#!/usr/bin/env bash
# Runs a libFuzzer target of fuzz/ for a bounded time (issue 18):
#   scripts/fuzz.sh TARGET SECONDS     TARGET: scenario, values, set_override, report_reader,
#   scripts/fuzz.sh all SECONDS                signature, http_channel, http_shop, or all
#                                              (each for SECONDS)
# Builds build/fuzz with clang (-DPAYSIM_FUZZ=ON: libFuzzer with ASan and UBSan), then fuzzes with
# the growing corpus build/fuzz/corpus/TARGET, seeded from fuzz/corpus/TARGET (and the scenario
# library for the loader). Exit 0 when no input failed; otherwise 1, with the failing input saved
# under build/fuzz/artifacts/TARGET/ and the command that replays it printed. A failure found is
# fixed, and its input committed to fuzz/regressions/TARGET/, which ctest replays in every build
# (`ctest -L fuzz`). PAYSIM_FUZZ_SEED=N fixes libFuzzer's seed (CI: 1); docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
all=(scenario values set_override report_reader signature http_channel http_shop)
if [[ $# -ne 2 || ! "$2" =~ ^[0-9]+$ || "$2" -lt 1 ]]; then
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS   (targets: ${all[*]})" >&2
  exit 2
fi
if [[ "$1" == all ]]; then
  targets=("${all[@]}")
elif [[ " ${all[*]} " == *" $1 "* ]]; then
  targets=("$1")
else
  echo "fuzz: unknown target '$1' (targets: ${all[*]})" >&2
  exit 2
fi
seconds=$2

scripts/deps.sh
build=build/fuzz
# Line tables only (-g1), as in scripts/build.sh: a finding's stack still shows file:line.
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DPAYSIM_FUZZ=ON -DPAYSIM_BUILD_TESTS=OFF \
  -DPAYSIM_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "${PAYSIM_JOBS:-$(nproc)}" --target "${targets[@]/#/fuzz_}"

status=0
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  artifacts=$build/artifacts/$t/
  mkdir -p "$corpus" "$artifacts"
  seeds=(fuzz/corpus/"$t")
  [[ -d fuzz/regressions/$t ]] && seeds+=(fuzz/regressions/"$t")
  [[ $t == scenario ]] && seeds+=(scenarios)
  echo "fuzz: $t for ${seconds}s (corpus $corpus)" >&2
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: memory that grows without bound is
  # a finding, not an out-of-memory kill of the machine.
  if ! "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -seed="${PAYSIM_FUZZ_SEED:-0}" \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" \
      "$corpus" "${seeds[@]}" 2> "$build/fuzz-$t.log"; then
    tail -n 60 "$build/fuzz-$t.log" >&2
    echo "fuzz: $t FAILED; inputs in $artifacts; replay one with: $build/fuzz/fuzz_$t FILE" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$build/fuzz-$t.log" |
      sed "s/^/fuzz: $t: /" >&2 || true
  fi
done
exit $status
