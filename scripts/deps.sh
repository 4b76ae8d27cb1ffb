#!/usr/bin/env bash
# Installs every build and test dependency from Debian's packages. Idempotent, and fast when all is
# already there: it asks dpkg first and only calls apt-get for what is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libboost-dev            # header-only: Math (Student's t) for reports; Asio and Beast for live mode
  libssl-dev              # live mode: HMAC-SHA256 callback signatures (OpenSSL)
  libsqlite3-dev          # live mode: serve-sut's durable journal (--db)
  libfmt-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format            # version 14 on Debian 12: scripts/check-format.sh
  clang libclang-rt-14-dev  # libFuzzer with ASan/UBSan: scripts/fuzz.sh
  dpkg-dev file           # the .deb (scripts/package.sh): dpkg-shlibdeps computes its Depends
  python3-jsonschema      # the package test validates a report with the installed JSON Schema
  python3-yaml            # ... and reads the GitHub Actions recipes (tests/package/)
)
if [[ "${PAYSIM_WITH_BROWSER:-0}" == 1 ]]; then
  packages+=(chromium)    # renders the HTML report in the report tests
fi
if [[ "${PAYSIM_WITH_SLURM:-0}" == 1 ]]; then
  packages+=(slurm-wlm munge)  # a one-node Slurm cluster for scripts/slurm-test.sh
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
