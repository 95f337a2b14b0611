#!/usr/bin/env bash
# Everything a fresh Debian/Ubuntu machine needs to run and test township-pacs from this checkout:
# the real DICOM peers (DCMTK, Orthanc + DICOMweb, dicom3tools), Xvfb and Qt's xcb libraries,
# CJK fonts for Chinese names, then a virtual environment at .venv with the project and its extras.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the workstation itself needs (Qt's xcb libraries, OpenGL, CJK fonts) ...
APT_PACKAGES=(libxcb-cursor0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1
  libegl1 libgl1 libgl1-mesa-dri libfontconfig1 libdbus-1-3 fonts-noto-cjk openssl)
# ... and what the tests drive: the real DICOM peers, dicom3tools, Xvfb, a clean Python 3.11 with venv,
# a real PDF reader (pdftoppm) for every PDF we write.
APT_TEST_PACKAGES=(dcmtk orthanc orthanc-dicomweb dicom3tools xvfb xauth python3-venv poppler-utils)
# TPACS_EXTRAS: the optional extras to install ("test" when unset, as ./test.sh needs; ./run.sh sets it
# empty: the workstation itself needs none of them, and no torch).
EXTRAS=${TPACS_EXTRAS-test}
[[ "$EXTRAS" == *test* ]] && APT_PACKAGES+=("${APT_TEST_PACKAGES[@]}")

missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts Orthanc as a system service when this script installs it; the tests start their own on
# free ports. Stop only that service, and only when this run installed it: never another Orthanc.
if [[ " ${missing[*]} " == *" orthanc "* ]]; then
  $SUDO service orthanc stop >/dev/null 2>&1 || true
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${EXTRAS:-runtime}"
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  if [[ "$EXTRAS" == *test* || "$EXTRAS" == *train* ]]; then
    # torch is pinned exactly (see pyproject.toml); pip installs it first so nothing pulls a CUDA build.
    .venv/bin/pip install -q "torch==2.13.0"
    .venv/bin/pip install -q -e ".[$EXTRAS]"
  else
    .venv/bin/pip install -q -e .
  fi
  touch "$stamp"
fi
