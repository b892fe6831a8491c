#!/bin/bash
# Generates every spec of the given folders (testdata/phantoms, testdata/semisynthetic) into the
# build tree (ctest fixture "phantom_suite"). A case already newer than its spec and the binary is
# kept; a semi-synthetic spec whose real base scan is absent (../shared/data missing) is skipped.
#   generate-phantom-suite.sh SPINEREVIEW OUT_DIR SPEC_DIR...
set -euo pipefail
bin=$1 out=$2
shift 2
mkdir -p "$out"
for dir in "$@"; do
  for spec in "$dir"/*.json; do
    name=$(basename "$spec" .json)
    if [[ -f "$out/$name/truth.json" && "$out/$name/truth.json" -nt "$spec" && "$out/$name/truth.json" -nt "$bin" ]]; then
      continue
    fi
    rc=0
    "$bin" phantom "$spec" "$out/$name" --threads 2 || rc=$?
    if [[ $rc == 66 ]]; then
      echo "skipped $name: its input data is absent"
    elif [[ $rc != 0 ]]; then
      exit "$rc"
    fi
  done
done
