#!/usr/bin/env bash
# Validates the OpenAPI documents of live mode (live/openapi/*.json) against the OpenAPI 3.0
# schema, with @apidevtools/swagger-parser from npm (Debian 12 packages no OpenAPI validator).
# The validator is installed at the version pinned by scripts/openapi-validator/package-lock.json
# into scripts/openapi-validator/node_modules (git-ignored), once; `npm ci` reinstalls it when
# the lock file changes.
#   scripts/validate-openapi.sh [FILE...]    default: live/openapi/*.json
# Exit 0 valid, 1 invalid, 77 skipped (no node or npm: ctest counts it as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "validate-openapi: node and npm are not installed; skipped" >&2
  exit 77
fi
tool=scripts/openapi-validator
files=("$@")
if ((${#files[@]} == 0)); then files=(live/openapi/*.json); fi
(
  # One install at a time: the debug and sanitize test runs may call this together.
  flock 9
  if [[ ! -f $tool/node_modules/.package-lock.json ||
        $tool/package-lock.json -nt $tool/node_modules/.package-lock.json ]]; then
    echo "validate-openapi: installing the validator (npm ci in $tool)" >&2
    npm ci --prefix "$tool" --no-audit --no-fund --ignore-scripts --loglevel=error >&2
  fi
) 9>"$tool/.install.lock"
node "$tool/validate.mjs" "${files[@]}"
