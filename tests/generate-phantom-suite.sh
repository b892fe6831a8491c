#!/bin/bash
# Generates every phantom spec of testdata/phantoms into the build tree (ctest fixture
# "phantom_suite"). A phantom already newer than its spec and the binary is kept.
#   generate-phantom-suite.sh SPINEREVIEW SPEC_DIR OUT_DIR
set -euo pipefail
bin=$1 specs=$2 out=$3
mkdir -p "$out"
for spec in "$specs"/*.json; do
  name=$(basename "$spec" .json)
  if [[ -f "$out/$name/truth.json" && "$out/$name/truth.json" -nt "$spec" && "$out/$name/truth.json" -nt "$bin" ]]; then
    continue
  fi
  "$bin" phantom "$spec" "$out/$name" --threads 2
done
