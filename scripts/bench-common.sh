# Sourced by the live-mode benchmarks (bench-live.sh, bench-serve-sut.sh), from the repository
# root: the paysim binary to measure, the Debian tools they need, a work directory and the
# servers' processes cleaned up at exit, and loopback ports.

# bench_binary: PAYSIM_BENCH_BINARY, or build/release/paysim built (Release, only that target).
bench_binary() {
  if [[ -n ${PAYSIM_BENCH_BINARY:-} ]]; then
    echo "$PAYSIM_BENCH_BINARY"
    return
  fi
  scripts/deps.sh
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/release -j "${PAYSIM_JOBS:-1}" --target paysim >/dev/null
  echo build/release/paysim
}

# bench_tools COMMAND=PACKAGE...: installs from Debian the packages whose command is missing (only
# the benchmarks need them: they are not build or test dependencies).
bench_tools() {
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
  done
  ((${#missing[@]} == 0)) && return
  echo "bench: installing ${missing[*]} (Debian)" >&2
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# A work directory, and the processes started into `pids`, gone when the script exits.
work=$(mktemp -d /tmp/paysim-bench.XXXXXX)
pids=()
bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap bench_cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# port_of LOG: the port a paysim server says it listens on, once it does.
port_of() {
  for _ in $(seq 100); do
    grep -q "listening on" "$1" 2>/dev/null && break
    sleep 0.1
  done
  local port
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1")
  [[ -n $port ]] || { cat "$1" >&2; exit 1; }
  echo "$port"
}

bench_machine() {
  echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
