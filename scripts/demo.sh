#!/usr/bin/env bash
# The main job on the embedded default study: builds, writes the synthetic lumbar CT as DICOM,
# analyses it and prints where the report went. No outside data needed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
rm -rf build/demo-study
./build/pipeline/spinereview phantom build/demo-study
./build/pipeline/spinereview analyze build/demo-study --out build/demo-report --target L4-L5
