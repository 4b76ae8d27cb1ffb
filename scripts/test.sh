#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test under ctest.
#   scripts/test.sh            the test build (optimised, assertions on)
#   scripts/test.sh sanitize   the same suites under AddressSanitizer + UndefinedBehaviorSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-debug}
export PAYSIM_WITH_BROWSER=1  # the HTML report test renders in headless Chromium
scripts/build.sh "$flavour"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "build/$flavour" --output-on-failure -j "${PAYSIM_JOBS:-$(nproc)}" --timeout 900
