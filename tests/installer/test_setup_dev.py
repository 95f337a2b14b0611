"""installer/setup-dev.sh harms nothing it did not make (issue 15.10): an Orthanc it did not start keeps
running; ./run.sh installs what the workstation needs, not the test extras (torch). Both scripts run for
real, in a copy of the checkout whose .venv has a pip that only records what it is asked to install."""
from __future__ import annotations

import os
import shutil
import subprocess
import tomllib

from tests.conftest import PROJECT_ROOT
from tests.orthanc_helpers import running_orthanc


def _checkout(tmp_path):
    """A copy of the scripts and pyproject.toml with a stand-in .venv (python, pip, tpacs record their calls)."""
    root = tmp_path / "checkout"
    (root / "installer").mkdir(parents=True)
    for rel in ("installer/setup-dev.sh", "run.sh", "pyproject.toml"):
        shutil.copy2(PROJECT_ROOT / rel, root / rel)
    bin_ = root / ".venv" / "bin"
    bin_.mkdir(parents=True)
    for tool in ("python", "pip", "tpacs"):
        (bin_ / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> "{root}/calls.log"\n')
        (bin_ / tool).chmod(0o755)
    return root


def _calls(root) -> list[str]:
    log = root / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_setup_leaves_an_orthanc_it_did_not_start_running(tmp_path):
    root = _checkout(tmp_path)
    with running_orthanc(tmp_path) as orthanc:
        res = subprocess.run(["bash", str(root / "installer" / "setup-dev.sh")], capture_output=True, text=True,
                             timeout=300, env=dict(os.environ, TPACS_EXTRAS="test"))
        assert res.returncode == 0, res.stderr
        assert orthanc.proc.poll() is None, "setup-dev.sh stopped an Orthanc it did not start"
        assert orthanc.rest("/system")["Version"]


def test_run_sh_installs_the_workstation_without_test_extras(tmp_path):
    root = _checkout(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "TPACS_EXTRAS"}
    res = subprocess.run(["bash", str(root / "run.sh")], capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr
    pip = [c for c in _calls(root) if c.startswith("pip install")]
    assert "pip install -q -e ." in pip and not any("torch" in c or "[test]" in c for c in pip), pip
    assert _calls(root)[-1] == "tpacs view"
    # ./test.sh's setup (extras unset) still installs the test extras, torch pinned first
    (root / "calls.log").unlink()
    for stamp in (root / ".venv").glob(".installed-*"):
        stamp.unlink()
    res = subprocess.run(["bash", str(root / "installer" / "setup-dev.sh")], capture_output=True, text=True,
                         timeout=300, env=env)
    assert res.returncode == 0, res.stderr
    pip = [c for c in _calls(root) if c.startswith("pip install")]
    assert pip[1:] == ["pip install -q torch==2.13.0", "pip install -q -e .[test]"], pip


def test_license_is_an_spdx_expression():
    """setuptools deprecated the `license = { text = ... }` table (builds stop on 2027-02-18)."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0"
