#!/usr/bin/env bash
# Set up (first run only) and start the workstation on its embedded default:
# local storage folder, SQLite index, the shipped model, the DICOM node listening on port 11112.
set -euo pipefail
cd "$(dirname "$0")"
TPACS_EXTRAS=${TPACS_EXTRAS:-test} ./installer/setup-dev.sh
exec .venv/bin/tpacs view "$@"
