#!/usr/bin/env bash
# MR levels benchmark: whole `spinereview analyze` of one study folder holding a 512x512x20
# sagittal T2 and a 320x320x60 axial T2 (issue target: at most 5 s wall on 2 cores). Prints wall
# time and peak RSS (GNU time, includes the isolated child), three runs.
# Usage: bench/mr_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/pipeline/spinereview
work=build/bench-mr
[ -x "$bin" ] || ./scripts/build.sh
mkdir -p "$work/study"
rm -rf "$work/study"
for spec in mr-sagittal-512x512x20 mr-axial-320x320x60; do
  [ -f "$work/$spec/truth.json" ] || "$bin" phantom "bench/specs/$spec.json" "$work/$spec" >/dev/null
  mkdir -p "$work/study" && cp -r "$work/$spec/dicom" "$work/study/$spec"
done
# one study: the axial series joins the sagittal one's study and frame of reference (same seed,
# same anatomy in the same patient coordinates)
first=$(ls "$work/study/mr-sagittal-512x512x20" | head -1)
tag() { dcmdump +P "$1" "$work/study/mr-sagittal-512x512x20/$first" | sed 's/.*\[\(.*\)\].*/\1/'; }
dcmodify -nb -m "(0020,000d)=$(tag 0020,000d)" -m "(0020,0052)=$(tag 0020,0052)" "$work/study/mr-axial-320x320x60"/* >/dev/null
printf "%-4s %8s %12s %s\n" run wall "peak RSS" levels
for run in 1 2 3; do
  /usr/bin/time -o "$work/time.txt" -f "%e %M" "$bin" analyze "$work/study" --out "$work/out" --quiet >"$work/log.txt" 2>&1
  read -r wall rss < "$work/time.txt"
  printf "%-4s %7ss %8s MiB %s\n" "$run" "$wall" "$((rss / 1024))" "$(grep '^levels' "$work/log.txt" | cut -c1-60)"
done
grep -E '^analysed|^volume' "$work/log.txt"
