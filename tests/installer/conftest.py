"""Fixtures for the installer tests: bundles built once per session, a real install into a temp prefix.

The bundles are built by the real `python -m installer.build_bundle` from this working tree; wheels
come from PyPI on the first run and from ~/.cache/township-pacs-bundle ($TPACS_BUNDLE_CACHE) after
(--prefer-cache: the index is asked only when the cache lacks something).
The install runs the bundle's own install.sh with HOME in a temp folder, with the network switched
off (`unshare -n`) where this machine allows it, and pip always with --no-index.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, missing

BUILD_TIMEOUT_S = 600  # a cold cache downloads ~700 MB from PyPI
INSTALL_TIMEOUT_S = 600


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


NETNS = _unshare_works()


def clinic_env(home: Path) -> dict:
    """A user's environment on a clinic PC: own HOME, no dev venv on PATH, no pip settings, no display."""
    venv_bin = str(Path(sys.executable).parent)
    path = [p for p in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep) if p and p != venv_bin]
    env = {"HOME": str(home), "PATH": os.pathsep.join(path), "LANG": os.environ.get("LANG", "C.UTF-8"),
           "TMPDIR": os.environ.get("TMPDIR", "/tmp")}
    return env


def clinic_python() -> str:
    """A Python 3.11 that is not the dev venv (the clinic's interpreter), for install.sh --python."""
    env = clinic_env(Path.home())
    for cand in ("python3.11", "python3"):
        exe = shutil.which(cand, path=env["PATH"])
        if exe and subprocess.run([exe, "-c", "import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))"],
                                  capture_output=True).returncode == 0:
            return exe
    missing("no Python 3.11 with venv outside the dev environment (Debian python3.11-venv)")


def run_install(bundle: Path, prefix: Path, home: Path, *extra: str, netns: bool = NETNS) -> subprocess.CompletedProcess:
    cmd = ["bash", str(bundle / "install.sh"), "--prefix", str(prefix), "--python", clinic_python(), *extra]
    if netns:
        cmd = ["unshare", "-n"] + cmd
    return subprocess.run(cmd, env=clinic_env(home), capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)


class _Build:
    """One `python -m installer.build_bundle` run in the background."""

    def __init__(self, platform: str, out: Path):
        self.platform, self.out = platform, out
        self.log = out.parent / f"{platform}.log"
        with open(self.log, "w") as fh:
            self.proc = subprocess.Popen([sys.executable, "-m", "installer.build_bundle", "--platform", platform,
                                          "--out", str(out), "--prefer-cache"], cwd=PROJECT_ROOT, stdout=fh, stderr=subprocess.STDOUT)

    def result(self) -> Path:
        try:
            rc = self.proc.wait(timeout=BUILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        text = self.log.read_text()
        print(text)
        assert rc == 0, f"build_bundle --platform {self.platform} failed:\n{text}"
        return self.out


@pytest.fixture(scope="session")
def _builds(tmp_path_factory) -> dict:
    """Both bundles build at once (mostly waiting on the network and the disk), each waited for on use."""
    root = tmp_path_factory.mktemp("bundles")
    builds = {p: _Build(p, root / p) for p in ("linux_x86_64", "win_amd64")}
    yield builds
    for b in builds.values():
        if b.proc.poll() is None:
            b.proc.kill()
            b.proc.wait()


@pytest.fixture(scope="session")
def linux_bundle(_builds) -> Path:
    return _builds["linux_x86_64"].result()


@pytest.fixture(scope="session")
def win_bundle(_builds) -> Path:
    return _builds["win_amd64"].result()


@pytest.fixture(scope="session")
def installed(linux_bundle, tmp_path_factory) -> dict:
    """The Linux bundle installed by its install.sh into a fresh prefix, offline."""
    root = tmp_path_factory.mktemp("clinic")
    home, prefix = root / "home", root / "home" / "apps" / "township-pacs"
    home.mkdir()
    (home / "Desktop").mkdir()
    proc = run_install(linux_bundle, prefix, home)
    assert proc.returncode == 0, f"install.sh failed:\n{proc.stdout}\n{proc.stderr}"
    return {"prefix": prefix, "home": home, "bundle": linux_bundle, "log": proc.stdout + proc.stderr,
            "env": clinic_env(home)}


def manifest(bundle: Path) -> dict:
    return json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
