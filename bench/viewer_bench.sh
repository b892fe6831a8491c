#!/usr/bin/env bash
# Viewer benchmark: a 512x512x400 CT at 0.7x0.7x1 mm (bench/specs/ct-512x512x400.json) analysed,
# then the scene built and slices scrolled on a 1600x1000 window under xvfb-run (Mesa's software
# renderer: no GPU on these machines). Prints build time, frames per second per view, peak RSS.
# Usage: bench/viewer_bench.sh [frames]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/pipeline/spinereview
work=build/bench-viewer
[ -x build/bench/bench_viewer_frames ] || ./scripts/build.sh
mkdir -p "$work"
[ -f "$work/ct/truth.json" ] || "$bin" phantom bench/specs/ct-512x512x400.json "$work/ct" >/dev/null
[ -f "$work/out/report.json" ] || "$bin" analyze "$work/ct/dicom" --out "$work/out" --target L4-L5 --quiet >/dev/null
/usr/bin/time -o "$work/time.txt" -f "%M" xvfb-run -a -s "-screen 0 1920x1200x24" \
  build/bench/bench_viewer_frames "$work/out" "${1:-200}"
echo "peak RSS $(( $(cat "$work/time.txt") / 1024 )) MiB"
