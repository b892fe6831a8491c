#!/usr/bin/env bash
# The unit, cli (bad-input corpus), reference, data and phantom suites again under AddressSanitizer
# and UndefinedBehaviorSanitizer (Debug build at -O1 in ./build-asan). CI runs it after
# scripts/test.sh. The "suite" label (the whole phantom suite, ~1.5 min optimised) and the "load" label
# (50 studies through Orthanc) are left to the optimised run: the in-process phantom tests and the
# Orthanc integration tests cover the same code here.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSPINE_WERROR=ON \
  -DCMAKE_CXX_FLAGS="-O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-asan -j "$(nproc)"
cd build-asan
# Leak checking is off: ITK and DCMTK keep process-lifetime singletons that LeakSanitizer reports.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest -j "$(nproc)" -LE "suite|load" --output-on-failure --timeout 900
