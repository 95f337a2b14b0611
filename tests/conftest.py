"""Fixtures shared by every test folder: free ports, the real data folder, cached phantoms, and the one way
to ask for a real tool.

Tests that can vanish are defects: the project's own modules are imported plainly (a broken import is
an error, never a skip); a real tool the setup installs (DCMTK, Orthanc and its DICOMweb plugin,
dicom3tools, Xvfb, lupdate, pydicom-data) that is missing is a failure under CI (`CI` set, as
.ci/run does) and a skip, saying what to install, on a developer's machine; `dciodvfy_errors` always
fails without dciodvfy. Only ../shared/data/real stays a plain skip when absent (a fresh clone has none).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
IN_CI = bool(os.environ.get("CI"))
REAL_DATA = PROJECT_ROOT.parent / "shared" / "data" / "real"

# pynetdicom installs Python look-alikes named storescu, findscu, ... into the environment's bin folder.
# Tests must drive the real DCMTK tools, so DCMTK's folder goes first on PATH; the environment's own
# bin folder (for `tpacs`) comes right after it.
DCMTK_BIN = next((d for d in ("/usr/bin", "/usr/local/bin") if Path(d, "dcmdump").is_file()), None)
_path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p]
_venv_bin = str(Path(sys.executable).parent)
os.environ["PATH"] = os.pathsep.join(
    [d for d in (DCMTK_BIN, _venv_bin) if d] + [p for p in _path if p not in (DCMTK_BIN, _venv_bin)])


def missing(what: str) -> None:
    """A real tool or data the setup installs is not here: fail under CI, else skip saying so."""
    msg = f"{what} (installer/setup-dev.sh installs it)"
    if IN_CI:
        pytest.fail(f"missing under CI: {msg}", pytrace=False)
    pytest.skip(msg)


def require_tool(name: str) -> str:
    """The path of an executable the tests drive (found on PATH), or missing()."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed")
    return path


def dciodvfy_errors(path: Path) -> list[str]:
    """dciodvfy's error lines for a file (warnings are allowed); fails when dciodvfy is not installed."""
    import subprocess

    if shutil.which("dciodvfy") is None:
        pytest.fail("dciodvfy (Debian dicom3tools) is not installed: every written object must be checked")
    r = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True, timeout=120)
    return [line for line in (r.stdout + r.stderr).splitlines() if line.startswith("Error")]


def pydicom_data(name: str) -> Path:
    """A file of pydicom-data (a test dependency), e.g. "RG1_J2KR.dcm"."""
    import data_store

    path = Path(data_store.__file__).parent / "data" / name
    if not path.is_file():
        missing(f"pydicom-data file {name}")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def real_data() -> Path:
    """../shared/data/real; tests that need it skip when a fresh clone does not have it."""
    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real is not present")
    return REAL_DATA


def _cached_phantom(cache: Path, name: str, **kwargs) -> Path:
    from ai_models.phantom import write_phantom

    out = cache / name
    if not (out / "ground_truth.json").is_file():
        shutil.rmtree(out, ignore_errors=True)
        write_phantom(out, **kwargs)
    return out


@pytest.fixture(scope="session")
def phantom_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("phantoms")


@pytest.fixture(scope="session")
def ct_phantom_240(phantom_cache) -> Path:
    """A 240-slice 512x512 1.25 mm chest CT phantom (about 125 MB), written once per session."""
    return _cached_phantom(phantom_cache, "ct240", seed=240, modality="CT", slices=240, thickness_mm=1.25)


@pytest.fixture(scope="session")
def ct_phantom_small(phantom_cache) -> Path:
    """A 40-slice 5 mm chest CT phantom with 4 nodules: quick to make and to send."""
    return _cached_phantom(phantom_cache, "ct40", seed=40, modality="CT", slices=40, thickness_mm=5.0, n_nodules=4)


@pytest.fixture(scope="session")
def dx_phantom(phantom_cache) -> Path:
    return _cached_phantom(phantom_cache, "dx", seed=7, modality="DX")


def ground_truth(folder: Path) -> dict:
    return json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))


def dicom_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".dcm")
