"""Benchmarks start Orthanc from a private copy of its binary.

installer/setup-dev.sh (run by every ./test.sh) stops any process named "Orthanc" on the machine; on a
machine shared by several developers that kills a benchmark's Orthanc half-way through a 10-minute fill.
A copy under another name is not matched by `pkill -x Orthanc`."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import tests.orthanc_helpers as orthanc_helpers


def use_private_orthanc() -> None:
    src = orthanc_helpers.ORTHANC_BIN
    if not src:
        return
    dst = Path(tempfile.gettempdir()) / "tpacs-bench-orthanc"
    if not dst.is_file() or dst.stat().st_size != Path(src).stat().st_size:
        shutil.copy2(src, dst)
    orthanc_helpers.ORTHANC_BIN = str(dst)
