#!/usr/bin/env bash
# CT levels benchmark: whole `spinereview analyze` (ingest, segmentation, numbering, report,
# labels.nii.gz) on thoracolumbar phantoms of 512x512 slices at 0.7x0.7x1 mm, for several slice
# counts. Prints wall time and peak RSS (GNU time, includes the isolated child).
# Usage: bench/levels_bench.sh [slice counts...]   (default: 100 200 400 700 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/pipeline/spinereview
work=build/bench-levels
[ -x "$bin" ] || ./scripts/build.sh
mkdir -p "$work"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 200 400 700 1000)
printf "%-8s %10s %12s %s\n" slices wall "peak RSS" levels
for n in "${counts[@]}"; do
  sed "s/\"slices\": 400/\"slices\": $n/; s/thoracolumbar/whole/" bench/specs/ct-512x512x400.json > "$work/spec-$n.json"
  [ -f "$work/ct-$n/truth.json" ] || "$bin" phantom "$work/spec-$n.json" "$work/ct-$n" >/dev/null
  /usr/bin/time -o "$work/time.txt" -f "%e %M" "$bin" analyze "$work/ct-$n/dicom" --out "$work/out-$n" --quiet >"$work/log-$n.txt" 2>&1
  read -r wall rss < "$work/time.txt"
  printf "%-8s %9ss %9s MiB %s\n" "$n" "$wall" "$((rss / 1024))" "$(grep '^levels' "$work/log-$n.txt" | cut -c1-70)"
done
