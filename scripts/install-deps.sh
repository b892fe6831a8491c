#!/usr/bin/env bash
# Installs every Debian 12 package SpineReview needs to build, run and test.
# Idempotent: packages already present are left alone; safe to run on every build.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # imaging libraries
  libinsighttoolkit5-dev libdcmtk-dev libopenjp2-7-dev zlib1g-dev libzip-dev
  # small libraries: JSON, command line, PDF
  nlohmann-json3-dev libcli11-dev libhpdf-dev libcurl4-openssl-dev
  # tests: GoogleTest, the reference converter, DCMTK tools, pydicom's malformed test files
  libgtest-dev dcm2niix dcmtk python3-pydicom python3-numpy
  # tests of the outputs with independent readers: DICOM validator, NIfTI, NRRD and PDF tools
  dicom3tools python3-nibabel teem-apps poppler-utils
  # the Orthanc integration tests start a real Orthanc on loopback; the Slurm recipe's test a one-node Slurm
  orthanc slurm-wlm munge
  # fuzzing the loader and the zip reader (scripts/fuzz.sh): clang 14 with libFuzzer; zip for seeds
  clang-14 libclang-rt-14-dev zip
  # viewer: VTK, X11 headers, a virtual display for off-screen rendering and its tests
  libvtk9-dev libx11-dev xvfb xauth
  # benchmark: peak memory measurement
  time
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
