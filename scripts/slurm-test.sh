#!/usr/bin/env bash
# Runs a sharded sweep on a real Slurm cluster and checks that it is the unsharded sweep, byte for
# byte (docs/distributed.md, "Slurm: a job array"). The cluster is one node, started here for the
# test and stopped on every exit path: munged, slurmctld and slurmd as root on the address this
# host's name resolves to (loopback here and on a default Debian host, which maps it to 127.0.1.1),
# with their key, configuration, state and logs in a temporary directory. Nothing outside that
# directory is configured, so the test runs beside any other Slurm or munge on the machine.
#
#   scripts/slurm-test.sh            needs root and build/release/paysim (PAYSIM=path for another)
#
# The sweep runs locally in one process, then as PAYSIM_SLURM_SHARDS (4) tasks of
# scripts/slurm/sweep-array.sbatch, merged by a job that depends on the array (afterok). The
# merged files must equal the local ones (cmp) and the exit codes must agree.
# Bounded: everything, stopping the daemons included, ends within PAYSIM_SLURM_TEST_BUDGET
# seconds (300). Prints PASS, FAIL (exit 1) or SKIP (exit 0, only when not root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

budget_s=${PAYSIM_SLURM_TEST_BUDGET:-300}
shards=${PAYSIM_SLURM_SHARDS:-4}
ctld_port=${PAYSIM_SLURM_PORT:-16817}  # slurmd listens on the next port
slurmd_port=$((ctld_port + 1))
stop_reserve_s=30  # kept back from the budget for stopping the cluster
deadline=$((SECONDS + budget_s - stop_reserve_s))

# The sweep: the scenario of docs/distributed.md's examples, shortened to 5 simulated minutes.
# 4 points x 2 replications = 8 jobs, so each of the 4 shards runs 2. The p99 bound of 30 s fails
# at one point (polling with 5% lost callbacks: about 48 s), so the sweep exits 1 as a result, as
# real sweeps do: its two runs are jobs 2 and 3, in shards 2 and 3, which must still succeed as
# array tasks, and the merge must exit 1 as the local sweep does.
sweep_args=(
  "$root/scenarios/healthy-baseline.yaml" --set duration=5m
  --set "expect.latency.charge_to_paid_ms.p99=< 30000"
  --axis "system.compensation.strategy=polling,delay_message"
  --axis "channels.alipay.callback.drop_probability=0.01,0.05"
  --replications 2
)

say() { printf 'slurm-test [%3ds]: %s\n' "$SECONDS" "$*" >&2; }
fail() {
  say "FAIL: $*"
  exit 1
}

if [[ $(id -u) -ne 0 ]]; then
  say "SKIP: needs root (it starts munged, slurmctld and slurmd as root); CI runs it as root"
  exit 0
fi

# Runs a command for at most LIMIT seconds, and never past the deadline. In the background, so
# that INT or TERM reach the trap at once rather than when the command ends; the trap stops it.
bounded_pid=""
bounded() {
  local limit_s=$1
  shift
  local left_s=$((deadline - SECONDS))
  ((left_s > 0)) || fail "out of time (budget ${budget_s}s) before: $*"
  ((limit_s < left_s)) || limit_s=$left_s
  timeout --kill-after=5 "$limit_s" "$@" &
  bounded_pid=$!
  local status=0
  wait "$bounded_pid" || status=$?
  bounded_pid=""
  return "$status"
}

# Polls a command every half second until it succeeds; fails after LIMIT seconds or the deadline.
wait_for() {
  local what=$1 limit_s=$2
  shift 2
  local until_s=$((SECONDS + limit_s))
  ((until_s < deadline)) || until_s=$deadline
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < until_s)) || return 1
    sleep 0.5
  done
  say "$what"
}

say "dependencies (PAYSIM_WITH_SLURM=1 scripts/deps.sh: slurm-wlm, munge)"
bounded 180 env PAYSIM_WITH_SLURM=1 scripts/deps.sh || fail "scripts/deps.sh did not install Slurm and munge"
for tool in mungekey munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$tool" >/dev/null || fail "$tool is missing after scripts/deps.sh"
done
export PAYSIM=${PAYSIM:-$root/build/release/paysim}
[[ -x $PAYSIM ]] || fail "no paysim binary at $PAYSIM: build it (scripts/build.sh release paysim)"
# With NoInAddrAny and NoCtldInAddrAny the daemons listen on the address of gethostname(), never
# on every interface (Slurm's slurm_setup_addr), so that is the address the cluster is reached at.
node=$(hostname -s)
addr=$(getent ahostsv4 "$(hostname)" | awk 'NR == 1 { print $1 }')
[[ -n $addr ]] || fail "this host's name, $(hostname), does not resolve (add it to /etc/hosts)"
if [[ $addr != 127.* ]]; then
  say "NOTE: $(hostname) resolves to $addr, not loopback: the daemons listen there (munge-authenticated)"
fi
for port in "$ctld_port" "$slurmd_port"; do
  if timeout 2 bash -c "exec 3<>/dev/tcp/$addr/$port" 2>/dev/null; then
    fail "$addr:$port is in use; choose other ports with PAYSIM_SLURM_PORT"
  fi
done

tmp=$(mktemp -d /tmp/paysim-slurm.XXXXXX)
chmod 711 "$tmp"  # munged wants every directory above its socket searchable by all
mkdir -m 700 "$tmp/munge-key" "$tmp/state" "$tmp/spool"
mkdir -m 755 "$tmp/munge" "$tmp/log" "$tmp/work"
munged_pid="" slurmctld_pid="" slurmd_pid="" passed=0

# Stops what this script started, within the reserve: a bounded command still running, the jobs
# (slurmstepd outlives slurmd), then the daemons by process id, TERM and, after 10 seconds, KILL.
# The daemons run in sessions of their own (setsid), so a signal to this script's process group
# (Ctrl-C, timeout) leaves them to this function, which stops the jobs while slurmctld still runs.
stop_cluster() {
  set +e
  [[ -n $bounded_pid ]] && kill -TERM "$bounded_pid" 2>/dev/null
  if [[ -n $slurmctld_pid ]] && kill -0 "$slurmctld_pid" 2>/dev/null; then
    timeout 5 scancel --user=root >/dev/null 2>&1
    local jobs_until_s=$((SECONDS + 10))
    while [[ -n $(timeout 3 squeue -h -o %i 2>/dev/null) ]] && ((SECONDS < jobs_until_s)); do
      sleep 0.5
    done
  fi
  local pid until_s=$((SECONDS + 10))
  for pid in "$slurmd_pid" "$slurmctld_pid" "$munged_pid"; do
    [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "$slurmd_pid" "$slurmctld_pid" "$munged_pid"; do
    [[ -n $pid ]] || continue
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < until_s)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if ((passed)) && [[ -z ${PAYSIM_SLURM_KEEP:-} ]]; then
    rm -rf "$tmp"
  else
    say "logs and outputs kept in $tmp"
  fi
}
trap stop_cluster EXIT
trap 'say "FAIL: interrupted (SIGINT)"; exit 130' INT
trap 'say "FAIL: interrupted (SIGTERM)"; exit 143' TERM

# The local, unsharded sweep first: it is the reference, and bad flags fail here, fast.
say "local sweep: paysim sweep ${sweep_args[*]#"$root/"} -j 2"
local_exit=0
bounded 120 "$PAYSIM" sweep "${sweep_args[@]}" -j 2 --out "$tmp/work/whole" \
  >"$tmp/log/local-sweep.out" 2>&1 || local_exit=$?
((local_exit == 1)) ||
  fail "the local sweep exited $local_exit, not 1 (one point fails): $(tail -5 "$tmp/log/local-sweep.out")"
say "local sweep exited 1 (one point fails its p99 bound, as intended; the files are written)"

say "munged"
mungekey --create --keyfile="$tmp/munge-key/munge.key" --bits=1024
setsid munged --foreground --socket="$tmp/munge/munge.socket" --key-file="$tmp/munge-key/munge.key" \
  --log-file="$tmp/munge-key/munged.log" --seed-file="$tmp/munge-key/munged.seed" \
  --pid-file="$tmp/munge/munged.pid" >"$tmp/log/munged.out" 2>&1 &
munged_pid=$!
credential_round_trip() {
  munge --socket="$tmp/munge/munge.socket" --no-input |
    unmunge --socket="$tmp/munge/munge.socket"
}
wait_for "munged answers on $tmp/munge/munge.socket" 15 credential_round_trip ||
  fail "munged did not start: $(cat "$tmp/log/munged.out")"

# One node, this host by its short name, reached only at $addr. No cgroups, no accounting:
# processes are tracked through /proc, and finished jobs are kept MinJobAge seconds (300) for
# squeue -t all.
cat >"$tmp/slurm.conf" <<EOF
ClusterName=paysim-test
SlurmctldHost=$node($addr)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
NodeName=$node NodeAddr=$addr CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
unset "${!SLURM_@}"  # a test run inside a Slurm job must not talk to that job's cluster
export SLURM_CONF=$tmp/slurm.conf

say "slurmctld and slurmd on $addr:$ctld_port and :$slurmd_port"
setsid slurmctld -D -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
slurmctld_pid=$!
setsid slurmd -D -f "$SLURM_CONF" >"$tmp/log/slurmd.out" 2>&1 &
slurmd_pid=$!
node_idle() { [[ $(timeout 5 sinfo -h -n "$node" -o %T) == idle ]]; }
if ! wait_for "node $node is idle" 30 node_idle; then
  tail -5 "$tmp/log/slurmctld.log" "$tmp/log/slurmd.log" >&2 || true
  fail "the cluster did not come up (logs in $tmp/log)"
fi

# The array, then the merge as a job that depends on it. --kill-on-invalid-dep cancels the merge
# when a shard fails, so `sbatch --wait` returns instead of waiting for a dependency that can
# never be met. sbatch exports this environment (PAYSIM, SLURM_CONF) to the jobs.
say "sbatch --array=0-$((shards - 1)) scripts/slurm/sweep-array.sbatch $shards parts ..."
array_id=$(bounded 15 sbatch --parsable --array="0-$((shards - 1))" --cpus-per-task=1 \
  --time=00:05:00 --chdir="$tmp/work" --output="$tmp/log/shard-%a.out" \
  scripts/slurm/sweep-array.sbatch "$shards" parts "${sweep_args[@]}") ||
  fail "sbatch did not accept the array"
array_id=${array_id%%;*}
say "array job $array_id submitted; the merge waits for it (afterok)"
merge_exit="" wait_exit=0
bounded 180 sbatch --wait --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
  --time=00:05:00 --chdir="$tmp/work" --output="$tmp/log/merge.out" --job-name=paysim-merge \
  --wrap "\"\$PAYSIM\" merge parts/part-*-of-$shards.json --out merged; echo \$? >merge.exit" \
  >/dev/null || wait_exit=$?
if [[ -s $tmp/work/merge.exit ]]; then
  merge_exit=$(<"$tmp/work/merge.exit")
fi
if [[ -z $merge_exit ]]; then
  timeout 5 squeue -t all -o '%.12i %.14j %.10T %r' >&2 || true
  for log in "$tmp"/log/shard-*.out; do
    if [[ -e $log ]]; then
      echo "--- $log" >&2
      tail -5 "$log" >&2
    fi
  done
  if ((wait_exit == 124 || wait_exit == 137)); then
    fail "out of time waiting for the array and the merge (budget ${budget_s}s)"
  fi
  fail "the merge job did not run: a shard failed (its log is above)"
fi
say "merge job exited $merge_exit; the array's tasks:"
timeout 5 squeue -h -t all -j "$array_id" -o '  task %K: %T on %N' | sort >&2 || true
grep -h '^sweep-array:' "$tmp"/log/shard-*.out | sed 's/^/  /' >&2 || true

((merge_exit == local_exit)) || fail "paysim merge exited $merge_exit, the local sweep $local_exit"
whole=$(cd "$tmp/work/whole" && ls) || fail "the local sweep wrote no files"
merged=$(cd "$tmp/work/merged" && ls) || fail "the merge wrote no files: $(cat "$tmp/log/merge.out")"
[[ $whole == "$merged" ]] || fail "the merge wrote [${merged//$'\n'/ }], the sweep [${whole//$'\n'/ }]"
for file in $whole; do
  cmp "$tmp/work/whole/$file" "$tmp/work/merged/$file" >&2 ||
    fail "merged $file differs from the unsharded sweep's"
done
passed=1
say "PASS: $shards Slurm array tasks merged = the unsharded sweep, byte for byte (${whole//$'\n'/, })"
