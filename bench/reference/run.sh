#!/usr/bin/env bash
# Runs the SimPy reference model of the benchmark baseline (README.md beside this file), installing
# SimPy 2 from Debian first if it is missing. Arguments go to the model:
#   bench/reference/run.sh --rate 100 --duration-s 600 --drain-s 1800 --seed 42
set -euo pipefail

# Debian's interpreter, not whatever python3 comes first on PATH: python3-simpy installs there.
PYTHON=/usr/bin/python3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! "$PYTHON" -c 'import SimPy.Simulation' 2>/dev/null; then
  echo "run.sh: installing python3-simpy (SimPy 2.3.1, Debian 12)" >&2
  apt-get update -qq
  apt-get install -y -qq python3-simpy >&2
fi

exec "$PYTHON" "$here/simpy_baseline.py" "$@"
