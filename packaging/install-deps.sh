#!/usr/bin/env bash
# Installs the Debian 12 packages ForgetLab needs to build, test and benchmark
# (the list in shared DESIGN.md). Idempotent: installs only what is missing.
set -euo pipefail

# Exactly the list in DESIGN.md (Dependencies). libopenblas0-openmp matters: without it
# LibTorch falls back to the reference BLAS and trains about 20x slower.
PACKAGES=(
  cmake g++
  qt6-base-dev libqcustomplot-dev
  libtorch-dev libopenblas0-openmp
  libsqlite3-dev nlohmann-json3-dev zlib1g-dev libeigen3-dev
  dataset-fashion-mnist fortunes fortunes-de fortunes-es
  python3-torch
  python3-numpy
  clang-format
  libpcre2-dev libutf8proc-dev libsentencepiece-dev sentencepiece
  libstb-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present."
  exit 0
fi

echo "install-deps: missing: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: not running as root and sudo is not available." >&2
    echo "  Run as root:  apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done."
