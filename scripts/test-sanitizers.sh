#!/usr/bin/env bash
# The unit, cli (bad-input corpus), reference, outputs, data, service and viewer suites, and part of
# the phantom suite, again under AddressSanitizer and UndefinedBehaviorSanitizer (Debug build at -O1
# in ./build-asan). CI runs it after scripts/test.sh. The "suite" label (the whole phantom suite) and
# the "load" label (50 studies through Orthanc) are left to the optimised run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSPINE_WERROR=ON \
  -DCMAKE_CXX_FLAGS="-O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-asan -j "$(nproc)"
cd build-asan
# Leak checking is off: ITK and DCMTK keep process-lifetime singletons that LeakSanitizer reports.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
# Every suite but the phantom one, whole: unit, cli (the bad-input corpus and batches through the
# ASan-built command line, the whole pipeline and every detector on small phantoms), outputs
# (a phantom analysed and written in every format), data (the real scans), service, viewer.
ctest -j "$(nproc)" -LE "suite|load|phantom" --output-on-failure --timeout 900
# Of the phantom suite, the real-data tests and one phantom case per detector and per step of the
# levels (the lighter one where there are several). Under ASan a phantom test takes three times its
# optimised time, most of it rendering the phantom's metal streaks rather than running the code
# under test, and all 72 took CI past its 90 min (bench/README.md, "CI time"); every one of them
# runs optimised in scripts/test.sh.
one_each='DataTest\.|^PhantomRenderTest\.MetalWhereHardwareIsClaimed|^LevelsTest\.ScrewStreaksAndAMetalCage'
one_each+='|^MrLevelsTest\.SagittalPhantomLevels|^AxialAssignmentTest\.EachDiscsNearestAxialSlice'
one_each+='|^HardwareTest\.(TitaniumFusionScrewsAndRods|MrVoidsOfScrewsAndRods)|^FusionTest\.AnUnbridgedPeekCage'
one_each+='|^HerniationTest\.(EveryHerniatedDisc|MrCentralExtrusion)|^StenosisTest\.EachNarrowedDisc'
one_each+='|^AdjacentSegmentTest\.TheDegeneratedNeighbour|^LaminectomyTest\.TheDecompressedLevel'
# -FS: not the suite's generation (fixture phantom_suite) under ASan; without it the tests render
# their phantoms themselves.
ctest -j "$(nproc)" -L "^phantom$" -R "$one_each" -FS phantom_suite --output-on-failure --timeout 900
