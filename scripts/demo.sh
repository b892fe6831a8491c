#!/usr/bin/env bash
# The main job on a phantom: builds, writes the synthetic lumbar CT of testdata/phantoms/lumbar-ct.json
# as DICOM (with its ground truth beside it), analyses it and prints where the report went.
# No outside data needed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
rm -rf build/demo-study
./build/pipeline/spinereview phantom testdata/phantoms/lumbar-ct.json build/demo-study
./build/pipeline/spinereview analyze build/demo-study/dicom --out build/demo-report --target L4-L5
