#!/usr/bin/env bash
# The main job on a phantom: builds, writes the synthetic lumbar CT of testdata/phantoms/lumbar-ct.json
# as DICOM (with its ground truth beside it), analyses it, prints where the report went and renders
# the viewer's pictures of it.
# No outside data needed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
rm -rf build/demo-study
./build/pipeline/spinereview phantom testdata/phantoms/lumbar-ct.json build/demo-study
./build/pipeline/spinereview analyze build/demo-study/dicom --out build/demo-report --target L4-L5
# The viewer's pictures of the same analysis (VTK draws through X: a virtual display when none).
if [ -n "${DISPLAY:-}" ]; then
  ./build/pipeline/spinereview view build/demo-report --screenshot build/demo-report/screenshots
else
  xvfb-run -a -s "-screen 0 1920x1200x24" ./build/pipeline/spinereview view build/demo-report --screenshot build/demo-report/screenshots
fi
echo "screenshots: build/demo-report/screenshots/overview.png; open the viewer with: spinereview view build/demo-report"
