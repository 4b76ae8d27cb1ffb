#!/usr/bin/env bash
# Builds the Debian package of paysim from this tree: the Release binary and its man page and
# completions (no tests or benchmarks), then CPack's DEB generator over the install rules
# (packaging/debian.cmake). Prints the path of the .deb, which
#   apt install ./build/release/packages/paysim_VERSION-1_ARCH.deb
# installs on Debian 12 with its dependencies.
#   scripts/package.sh [OUT_DIR]     default: build/release/packages
# PAYSIM_REVISION=REV names the source revision where git cannot (a copy without .git, as in the
# Containerfile); PAYSIM_JOBS=N limits the build's parallel jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/release/packages}
scripts/deps.sh
if [[ -n ${PAYSIM_REVISION:-} ]]; then
  # Cached: scripts/build.sh's configure keeps it.
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DPAYSIM_REVISION="$PAYSIM_REVISION" >/dev/null
fi
scripts/build.sh release paysim paysim_cli_docs >&2
mkdir -p "$out"
out=$(realpath "$out")
rm -f "$out"/paysim_*.deb
cpack -G DEB --config build/release/CPackConfig.cmake -B "$out" >&2
rm -rf "$out/_CPack_Packages"  # the staging tree: the .deb is what is kept
ls "$out"/paysim_*.deb
