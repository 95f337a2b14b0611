#!/usr/bin/env bash
# Set up (first run only) and start the workstation on its embedded default:
# local storage folder, SQLite index, the shipped model, the DICOM node listening on port 11112.
set -euo pipefail
cd "$(dirname "$0")"
TPACS_EXTRAS=${TPACS_EXTRAS-} ./installer/setup-dev.sh  # no extras: the workstation needs no test tools, no torch
exec .venv/bin/tpacs view "$@"
