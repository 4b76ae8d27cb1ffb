#!/usr/bin/env bash
# Installs what is missing, builds Release, and runs paysim with the given arguments:
#   scripts/paysim.sh run scenarios/healthy-baseline.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release >&2
exec build/release/paysim "$@"
