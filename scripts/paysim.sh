#!/usr/bin/env bash
# Installs what is missing, builds the Release binary (paysim and its man page and completions;
# no tests or benchmarks) and runs it with the given arguments, paths taken from where you are:
#   scripts/paysim.sh run scenarios/healthy-baseline.yaml
# The binary is build/release/paysim; `cmake --install build/release` puts it on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" release paysim paysim_cli_docs >&2
exec "$root/build/release/paysim" "$@"
