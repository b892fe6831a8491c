#!/usr/bin/env bash
# The main job on a phantom: builds, writes the synthetic lumbar CT of testdata/phantoms/lumbar-ct.json
# as DICOM (with its ground truth beside it), analyses it (report.json, the HTML/PDF report with key
# images, DICOM SEG/SR/key images, Slicer files), prints where they went and renders the viewer's pictures.
# No outside data needed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
rm -rf build/demo-study
./build/pipeline/spinereview phantom testdata/phantoms/lumbar-ct.json build/demo-study
# VTK draws through X: a virtual display when there is none (key images, screenshots).
display=()
[ -n "${DISPLAY:-}" ] || display=(xvfb-run -a -s "-screen 0 1920x1200x24")
"${display[@]}" ./build/pipeline/spinereview analyze build/demo-study/dicom --out build/demo-report --target L4-L5 --key-images
"${display[@]}" ./build/pipeline/spinereview view build/demo-report --screenshot build/demo-report/screenshots
echo "report: build/demo-report/report.html and report.pdf; DICOM SEG/SR/key images: build/demo-report/dicom/"
echo "screenshots: build/demo-report/screenshots/overview.png; open the viewer with: spinereview view build/demo-report"
