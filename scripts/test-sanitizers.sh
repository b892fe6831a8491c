#!/usr/bin/env bash
# The unit, cli (bad-input corpus), reference and data suites again under AddressSanitizer and
# UndefinedBehaviorSanitizer (Debug build in ./build-asan). CI runs it after scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSPINE_WERROR=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-asan -j "$(nproc)"
cd build-asan
# Leak checking is off: ITK and DCMTK keep process-lifetime singletons that LeakSanitizer reports.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest -j "$(nproc)" --output-on-failure --timeout 900
