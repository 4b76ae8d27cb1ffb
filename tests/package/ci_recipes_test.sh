#!/usr/bin/env bash
# The CI recipes of docs/ci.md, as far as they run without GitHub or a container engine:
# - .github/actions/paysim-check/action.yml and .github/workflows/scenarios.yml parse as YAML, and
#   the workflow uses the action;
# - the action's `paysim check` step, run as written and as GitHub runs a bash step
#   (bash --noprofile --norc -eo pipefail), with `docker` standing for a shim that checks
#   the `docker run` arguments and runs the built paysim in the mounted workspace, writes the JUnit
#   file and passes on paysim's exit code (0 for a passing scenario, 1 for a failing one) as the
#   step's status and its `exit-code` output;
# - the Containerfile builds with scripts/package.sh and installs the .deb with apt;
# - `paysim check` on a tree holding .github/ loads no workflow YAML as a scenario.
#   tests/package/ci_recipes_test.sh SOURCE_DIR PAYSIM
set -euo pipefail
source_dir=$(realpath "$1")
paysim=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "ci recipes test: $*" >&2; exit 1; }

action=$source_dir/.github/actions/paysim-check/action.yml
/usr/bin/python3 - "$action" "$source_dir/.github/workflows/scenarios.yml" "$work/check-step.sh" <<'PY'
import sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
workflow = yaml.safe_load(open(sys.argv[2]))
assert action["runs"]["using"] == "composite", action["runs"]
steps = {step.get("id"): step for step in action["runs"]["steps"]}
check = steps["check"]
assert "--junit" in check["run"] and "check" in check["run"], check["run"]
uses = [s.get("uses") for job in workflow["jobs"].values() for s in job["steps"]]
assert "./.github/actions/paysim-check" in uses, uses
open(sys.argv[3], "w").write(check["run"])
PY

# `docker run --rm -v WORKSPACE:/work -w /work -u UID:GID IMAGE ARGS...` -> paysim ARGS in WORKSPACE.
mkdir -p "$work/bin"
cat >"$work/bin/docker" <<SHIM
#!/usr/bin/env bash
set -euo pipefail
[[ \$1 == run && \$2 == --rm && \$3 == -v && \$5 == -w && \$6 == /work && \$7 == -u ]] ||
  { echo "docker shim: unexpected arguments: \$*" >&2; exit 125; }
[[ \$4 == *:/work && \$9 == paysim-test-image ]] || { echo "docker shim: \$4 \$9" >&2; exit 125; }
cd "\${4%:/work}"
exec "$paysim" "\${@:10}"
SHIM
chmod +x "$work/bin/docker"

workspace=$work/workspace
mkdir -p "$workspace/gate" "$workspace/.github/workflows"
cp "$source_dir/.github/workflows/scenarios.yml" "$workspace/.github/workflows/"
# Two minutes of traffic instead of an hour: the gate is what is tested, not the scenario.
sed 's/^duration: 1h$/duration: 2m/' "$source_dir/scenarios/healthy-baseline.yaml" \
  >"$workspace/gate/healthy-baseline.yaml"
grep -qx 'duration: 2m' "$workspace/gate/healthy-baseline.yaml" || fail "could not shorten the scenario"
run_check_step() {  # SCENARIOS -> the step's exit code; its outputs in $work/outputs
  : >"$work/outputs"
  local status=0
  PATH=$work/bin:$PATH IMAGE=paysim-test-image SCENARIOS=$1 JUNIT=junit.xml JOBS=1 \
    GITHUB_WORKSPACE=$workspace GITHUB_OUTPUT=$work/outputs \
    bash --noprofile --norc -eo pipefail "$work/check-step.sh" \
    >"$work/step.log" 2>&1 || status=$?
  return "$status"
}

run_check_step "gate/healthy-baseline.yaml ." || { cat "$work/step.log" >&2; fail "a passing scenario failed the step"; }
grep -qx 'exit-code=0' "$work/outputs" || fail "outputs: $(cat "$work/outputs")"
grep -q '<testsuite name="healthy-baseline' "$workspace/junit.xml" || fail "no JUnit suite written"

# A failing expectation fails the step with paysim's exit code 1, and the JUnit file is written.
sed -e 's/^name: healthy-baseline$/name: too-strict/' -e 's/^expect:$/expect:\n  orders.created: 0/' \
  "$workspace/gate/healthy-baseline.yaml" >"$workspace/gate/too-strict.yaml"
grep -qx '  orders.created: 0' "$workspace/gate/too-strict.yaml" || fail "could not plant the expectation"
rm "$workspace/junit.xml"
status=0
run_check_step "gate/" || status=$?
((status == 1)) || { cat "$work/step.log" >&2; fail "a failing expectation gave status $status, not 1"; }
grep -qx 'exit-code=1' "$work/outputs" || fail "outputs: $(cat "$work/outputs")"
grep -q '<failure' "$workspace/junit.xml" || fail "the failure is not in the JUnit file"

# A workspace with .github/: `paysim check .` runs the scenarios only.
rm "$workspace/gate/too-strict.yaml"
(cd "$workspace" && "$paysim" check .) >"$work/dot.log" 2>&1 ||
  { cat "$work/dot.log" >&2; fail "paysim check . failed with .github/ present"; }
! grep -q 'scenarios.yml' "$work/dot.log" || fail "paysim check . read .github/: $(cat "$work/dot.log")"

grep -q '^RUN scripts/package.sh' "$source_dir/Containerfile" || fail "Containerfile does not build with scripts/package.sh"
grep -q 'apt-get install .*paysim_\*\.deb' "$source_dir/Containerfile" || fail "Containerfile does not install the .deb"
grep -q '^ENTRYPOINT \["paysim"\]' "$source_dir/Containerfile" || fail "the image does not run paysim"
echo "the action's check step passed and failed as paysim check did; recipes parse"
