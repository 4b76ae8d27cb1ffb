#!/usr/bin/env bash
# Configures and builds one flavour of the tree with Ninja.
#   scripts/build.sh release   -> build/release   (Release; what users run and benchmarks measure)
#   scripts/build.sh debug     -> build/debug     (RelWithDebInfo with assertions; the test build)
#   scripts/build.sh sanitize  -> build/sanitize  (ASan + UBSan)
# The test builds carry line tables only (-g1): backtraces, sanitizer reports and gdb still show
# file:line, and the builds take ~20% less time than with full debug information (-g), which
# matters on CI's two cores. For variables in gdb, configure a build with -g yourself.
# Targets after the flavour build only those (scripts/paysim.sh: `release paysim paysim_cli_docs`).
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
targets=("${@:2}")
case "$flavour" in
  release)  args=(-DCMAKE_BUILD_TYPE=Release) ;;
  debug)    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1") ;;
  sanitize) args=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DPAYSIM_SANITIZE=ON -DPAYSIM_BUILD_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh [release|debug|sanitize] [TARGET...]" >&2; exit 2 ;;
esac
scripts/deps.sh
cmake -S . -B "build/$flavour" -G Ninja "${args[@]}" >/dev/null
cmake --build "build/$flavour" -j "${PAYSIM_JOBS:-$(nproc)}" ${targets[@]+--target "${targets[@]}"}
