#!/usr/bin/env bash
# Installs, builds (warnings as errors) and runs the whole test suite: unit, cli, reference, data.
# Real-data tests skip with a message when ../shared/data is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh -DSPINE_WERROR=ON -DSPINE_BUILD_TESTS=ON
cd build
ctest -j "$(nproc)" --output-on-failure --timeout 600
