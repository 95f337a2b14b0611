#!/usr/bin/env bash
# Everything a fresh Debian/Ubuntu machine needs to run and test township-pacs from this checkout:
# the real DICOM peers (DCMTK, Orthanc + DICOMweb, dicom3tools), Xvfb and Qt's xcb libraries,
# CJK fonts for Chinese names, then a virtual environment at .venv with the project and its extras.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(dcmtk orthanc orthanc-dicomweb dicom3tools xvfb xauth libxcb-cursor0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1
  libegl1 libgl1 libgl1-mesa-dri libfontconfig1 libdbus-1-3 fonts-noto-cjk openssl poppler-utils)

missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts Orthanc as a system service on install; the tests start their own on free ports.
pgrep -x Orthanc >/dev/null 2>&1 && { service orthanc stop >/dev/null 2>&1 || pkill -x Orthanc || true; }

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
EXTRAS=${TPACS_EXTRAS:-test}
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-$EXTRAS"
if [ ! -f "$stamp" ]; then
  # torch is pinned exactly (see pyproject.toml); pip installs it first so nothing pulls a CUDA build.
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q "torch==2.13.0"
  .venv/bin/pip install -q -e ".[$EXTRAS]"
  touch "$stamp"
fi
