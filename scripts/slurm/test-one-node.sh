#!/usr/bin/env bash
# Runs the job-array recipe on a real one-node Slurm started here: munged, slurmctld and slurmd as
# root with their own configuration, sockets and state in a scratch folder, ports on loopback.
# Arguments: SPINEREVIEW_BINARY SCRATCH_DIR. Exit 77 (ctest: skipped) without Slurm or root.
set -euo pipefail
bin="$1"; work="$2"
command -v slurmctld >/dev/null && command -v munged >/dev/null || { echo "slurm-wlm/munge not installed: skipped"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root (slurmd): skipped"; exit 77; }
recipe="$(cd "$(dirname "$0")" && pwd)/spinereview-array.sbatch"
rm -rf "$work"; mkdir -p "$work"/{munge,state,spool,in,out,logs}
cd "$work"
host="$(hostname -s)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dd if=/dev/urandom of=munge/key bs=1024 count=1 status=none; chmod 400 munge/key
munged --force --key-file=munge/key --socket=munge/socket --pid-file=munge/pid --log-file=munge/log --seed-file=munge/seed
cat > slurm.conf <<CONF
ClusterName=spinetest
SlurmctldHost=$host
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/logs/slurmctld.log
SlurmdLogFile=$work/logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) RealMemory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 )) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
cleanup() { kill "$(cat slurmd.pid 2>/dev/null)" "$(cat slurmctld.pid 2>/dev/null)" "$(cat munge/pid 2>/dev/null)" 2>/dev/null || true; }
trap cleanup EXIT
slurmctld -f "$SLURM_CONF"; slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -qE "idle|mixed" && break; sleep 1; done
sinfo -h -o "%P %T %c" || { cat logs/*.log; exit 1; }
# Six studies: small CT phantoms of different seeds (DICOM folders) and one file that is no study.
for seed in 1 2 3 4 5; do
  echo "{\"name\":\"s$seed\",\"modality\":\"CT\",\"field_of_view\":\"lumbar\",\"seed\":$seed,\"acquisition\":{\"pixel_mm\":2.0,\"slice_mm\":4.0}}" > spec$seed.json
  "$bin" phantom spec$seed.json ph$seed >/dev/null
  mv ph$seed/dicom in/study-$seed
done
echo garbage > in/not-a-study.dcm
run_array() {
  SPINEREVIEW="$bin" sbatch --wait --array=0-2 --output="$work/logs/task-%A_%a.log" "$recipe" "$work/in" "$work/out" --no-dicom || true
}
start=$(date +%s); run_array; end=$(date +%s)
analysed=$(ls out/*/report.json 2>/dev/null | wc -l)
echo "array of 3 tasks: $analysed of 5 studies analysed in $((end - start)) s; failures: $(ls out/failed | tr '\n' ' ')"
[ "$analysed" = 5 ] || { cat logs/task-*.log; exit 1; }
[ -f out/failed/not-a-study.dcm.json ] || exit 1
ls out/batch-summary-shard-{0,1,2}-of-3.json >/dev/null
# Resubmitted: nothing is analysed again.
before=$(stat -c %Y out/study-1/report.json); run_array
[ "$(stat -c %Y out/study-1/report.json)" = "$before" ] || { echo "a finished study was analysed again"; exit 1; }
grep -h "already done" out/batch-summary-shard-*.txt | wc -l | xargs echo "resubmitted array: studies skipped as already done:"
echo "slurm recipe: ok"
