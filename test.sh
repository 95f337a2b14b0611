#!/usr/bin/env bash
# Set up (first run only) and run the whole test suite. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")"
./installer/setup-dev.sh || exit 1
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-xcb}
.venv/bin/python -m pytest "$@"
rc=$?
# pytest's 5 means no test ran: that is a failure, not a pass.
[ $rc -eq 5 ] && { echo "test.sh: pytest collected no tests" >&2; exit 1; }
exit $rc
