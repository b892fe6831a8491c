#!/usr/bin/env bash
# Fuzzes the loader and the zip reader with libFuzzer (clang 14) for SECONDS each (default 120),
# in ./build-fuzz, with AddressSanitizer and UndefinedBehaviorSanitizer. Seeds: pydicom's test files
# (malformed ones included) and zips made from them; the corpus grows in build-fuzz/corpus-*.
# A crash leaves its input in build-fuzz/ (crash-*, named in the log) and fails the script. CI runs it bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-120}"
./scripts/install-deps.sh
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPINE_FUZZ=ON \
  -DSPINE_BUILD_TESTS=OFF -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-fuzz --target FuzzDicomLoader FuzzZipReader -j "$(nproc)"
cd build-fuzz
seeds=/usr/lib/python3/dist-packages/pydicom/data/test_files
mkdir -p corpus-dicom corpus-zip
find "$seeds" -maxdepth 1 -type f -size -512k -exec cp -n {} corpus-dicom/ \; 2>/dev/null || true
[ -f corpus-zip/seed-ct.zip ] || (cd "$seeds" && zip -q "$OLDPWD/corpus-zip/seed-ct.zip" CT_small.dcm MR_small.dcm)
[ -f corpus-zip/seed-one.zip ] || (cd "$seeds" && zip -q "$OLDPWD/corpus-zip/seed-one.zip" rtplan.dcm)
status=0
for target in FuzzDicomLoader FuzzZipReader; do
  corpus=corpus-dicom
  [ "$target" = FuzzZipReader ] && corpus=corpus-zip
  echo "fuzz: $target for ${SECONDS_EACH} s"
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    ./fuzz/"$target" "$corpus" -max_total_time="$SECONDS_EACH" -max_len=1048576 -timeout=20 -rss_limit_mb=4096 \
    -print_final_stats=1 2>"$target.log" || status=1
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" "$target.log" || true
done
exit $status
