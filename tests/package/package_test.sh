#!/usr/bin/env bash
# The Debian package as a user gets it: CPack builds the .deb from this build tree's install rules
# (packaging/debian.cmake, what scripts/package.sh runs on the Release tree), and the test reads
# its control fields, checks its file list, extracts it into an empty directory with
# `dpkg-deb -x` and, from there only, runs `paysim --version` and a scenario of the installed
# library, whose report must validate against the installed JSON Schema. Every shared library the
# installed binary loads must come from a package named in Depends.
#   tests/package/package_test.sh CPACK BUILD_DIR
set -euo pipefail
cpack=$1
build=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package test: $*" >&2; exit 1; }

"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
debs=("$work"/out/paysim_*.deb)
((${#debs[@]} == 1)) && [[ -f ${debs[0]} ]] || fail "expected one paysim_*.deb, found: ${debs[*]}"
deb=${debs[0]}
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# The control fields apt shows and resolves.
field() { dpkg-deb --field "$deb" "$1"; }
dpkg-deb --info "$deb"
[[ $(field Package) == paysim ]] || fail "Package: $(field Package)"
[[ $(field Section) == devel ]] || fail "Section: $(field Section)"
[[ $(field Maintainer) =~ ^.+\ \<.+@.+\>$ ]] || fail "Maintainer is not 'Name <address>': $(field Maintainer)"
depends=$(field Depends)
# The package names of Depends, one a line: "libc6 (>= 2.34), libfmt9 (>= 9.1.0+ds1)" -> libc6, libfmt9.
tr ',' '\n' <<<"$depends" | awk '{print $1}' >"$work/depends"
for package in libc6 libstdc++6 libyaml-cpp0.7 libfmt9; do
  grep -qxF "$package" "$work/depends" || fail "Depends lacks $package: $depends"
done
[[ $(field Description) == *"payment-flow simulator"* ]] || fail "Description: $(field Description)"
field Description | awk 'length > 79 {exit 1}' || fail "a Description line is over 79 columns"

# Exactly the install tree, under /usr: no test program, library or header slipped in.
dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' | sed 's|^\./|/|' | sort >"$work/files"
expected=(/usr/bin/paysim /usr/share/man/man1/paysim.1.gz
  /usr/share/bash-completion/completions/paysim /usr/share/zsh/vendor-completions/_paysim
  /usr/share/fish/vendor_completions.d/paysim.fish
  /usr/share/paysim/schema/scenario.schema.json /usr/share/paysim/schema/report.schema.json
  /usr/share/paysim/schema/summary.schema.json /usr/share/paysim/scenarios/README.md
  /usr/share/paysim/scenarios/healthy-baseline.yaml)
for file in "${expected[@]}"; do
  grep -qxF "$file" "$work/files" || fail "not in the package: $file"
done
unexpected=$(grep -vxF -f <(printf '%s\n' "${expected[@]}") "$work/files" |
  grep -vx '/usr/share/paysim/scenarios/[a-z0-9-]*\.yaml' || true)
[[ -z $unexpected ]] || fail "unexpected files in the package: $unexpected"

# Installed into an empty directory; run from there only.
root=$work/root
dpkg-deb -x "$deb" "$root"
[[ -x $root/usr/bin/paysim ]] || fail "/usr/bin/paysim is not executable"
"$root/usr/bin/paysim" --version
missing=$(LC_ALL=C ldd "$root/usr/bin/paysim" | grep 'not found' || true)
[[ -z $missing ]] || fail "unresolved libraries: $missing"
# Each library the binary loads belongs to a package that Depends names (dpkg-shlibdeps got them
# all), so `apt install ./paysim_*.deb` brings everything it needs.
for library in $(ldd "$root/usr/bin/paysim" | awk '$3 ~ /^\// {print $3}'); do
  owner=$(dpkg -S "$(realpath "$library")" 2>/dev/null || dpkg -S "$library" 2>/dev/null || true)
  owner=${owner%%:*}
  [[ -n $owner ]] || fail "no package owns $library"
  grep -qxF "$owner" "$work/depends" || fail "$library is from $owner, not in Depends: $depends"
done

cd "$work"
scenario=$root/usr/share/paysim/scenarios/healthy-baseline.yaml
"$root/usr/bin/paysim" run "$scenario" --set duration=1m --out "$work/report" --format json,table \
  >"$work/run.log" || { cat "$work/run.log" >&2; fail "paysim run $scenario failed"; }
[[ -s $work/report/report.json ]] || fail "no report.json in $(ls "$work/report")"
/usr/bin/python3 - "$root/usr/share/paysim/schema/report.schema.json" "$work/report/report.json" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=str)
for error in errors[:10]:
    print(f"report.json: {'/'.join(map(str, error.absolute_path))}: {error.message}", file=sys.stderr)
sys.exit(1 if errors else 0)
PY
"$root/usr/bin/paysim" validate "$root"/usr/share/paysim/scenarios/*.yaml >/dev/null
zcat "$root/usr/share/man/man1/paysim.1.gz" | grep -q '^\.TH PAYSIM' || fail "paysim.1.gz is no man page"
echo "extracted $(basename "$deb") into an empty directory and ran a scenario from it"
