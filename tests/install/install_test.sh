#!/usr/bin/env bash
# The install target as a user or a package uses it: `cmake --install` into a fresh prefix outside
# the source tree, every file where README.md says it goes, and a scenario of the installed
# library run by the installed binary from there.
#   tests/install/install_test.sh CMAKE BUILD_DIR
set -euo pipefail
cmake=$1
build=$(realpath "$2")
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
"$cmake" --install "$build" --prefix "$prefix" >/dev/null
for file in bin/paysim \
  share/paysim/scenarios/README.md share/paysim/scenarios/healthy-baseline.yaml \
  share/paysim/schema/scenario.schema.json share/paysim/schema/report.schema.json \
  share/paysim/schema/summary.schema.json share/man/man1/paysim.1.gz \
  share/bash-completion/completions/paysim share/zsh/vendor-completions/_paysim \
  share/fish/vendor_completions.d/paysim.fish; do
  [[ -f $prefix/$file ]] || { echo "not installed: $file" >&2; exit 1; }
done
cd "$prefix"
bin/paysim --version
bin/paysim validate share/paysim/scenarios/*.yaml >/dev/null
# Captured first: `| grep -q` would stop reading at the match and, under pipefail, fail the test
# whenever paysim was still writing (SIGPIPE).
report=$(bin/paysim run share/paysim/scenarios/healthy-baseline.yaml --set duration=1m --format json)
grep -q '"schema": "paysim.report/1"' <<<"$report"
if command -v groff >/dev/null; then  # the generated man page renders without a warning
  warnings=$(zcat share/man/man1/paysim.1.gz | groff -man -Tutf8 -ww -z 2>&1)
  [[ -z $warnings ]] || { echo "share/man/man1/paysim.1.gz: $warnings" >&2; exit 1; }
fi
echo "installed into a fresh prefix and ran a scenario from it"
