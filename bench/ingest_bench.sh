#!/usr/bin/env bash
# Ingest benchmark: a 512x512x400 CT series (0.7x0.7x1 mm) read by `spinereview analyze` (DCMTK
# loader, whole command), dcm2niix, and ITK's GDCM series reader, on the same files, warm cache.
# Prints wall time (median of N runs) and peak RSS for each, and the ratios against dcm2niix.
# Usage: bench/ingest_bench.sh [runs=3] [transfer syntax=explicit-le]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
syntax=${2:-explicit-le}
bin=build/pipeline/spinereview
work=build/bench-ingest
[ -x "$bin" ] || ./scripts/build.sh
rm -rf "$work" && mkdir -p "$work"
"$bin" phantom bench/specs/ct-512x512x400.json "$work/phantom" --transfer-syntax "$syntax" >/dev/null
ln -sfn phantom/dicom "$work/ct"

measure() {  # name, command...: runs it $runs times, prints "name median_wall_s peak_rss_mib"
  local name=$1; shift
  "$@" >/dev/null 2>&1  # warm the page cache
  local walls=() peak=0
  for _ in $(seq "$runs"); do
    rm -rf "$work/out" && mkdir -p "$work/out"
    local line
    /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    line=$(tail -1 "$work/time.txt")
    walls+=("${line% *}")
    local rss=${line#* }
    if (( rss > peak )); then peak=$rss; fi
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-22s %8.2f s %8.0f MiB\n' "$name" "$median" "$((peak / 1024))"
  echo "$median $((peak / 1024))" >"$work/$name.result"
}

echo "volume: 512x512x400 int16 = 200 MiB; $runs runs each, median wall, peak RSS; syntax $syntax"
measure spinereview "$bin" analyze "$work/ct" --out "$work/out" --quiet
measure spinereview-1thread "$bin" analyze "$work/ct" --out "$work/out" --quiet --threads 1
measure dcm2niix dcm2niix -z n -o "$work/out" "$work/ct"
measure itk-gdcm build/bench/bench_gdcm_read "$work/ct"

read -r ours oursMem <"$work/spinereview.result"
read -r ref refMem <"$work/dcm2niix.result"
read -r gdcm gdcmMem <"$work/itk-gdcm.result"
awk -v o="$ours" -v r="$ref" -v g="$gdcm" -v m="$oursMem" 'BEGIN {
  printf "ratios: spinereview/dcm2niix wall %.2f, spinereview/itk-gdcm wall %.2f, peak/volume bytes %.2f\n", o / r, o / g, m / 200 }'
