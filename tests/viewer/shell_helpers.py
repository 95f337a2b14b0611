"""Fixtures for the viewer-shell tests: a real archive holding phantom studies and an AI SR.

Import the fixtures into a test module: `from tests.viewer.shell_helpers import shell_archive  # noqa: F401`.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pydicom
import pytest

from tests.conftest import dicom_files

# A GB18030-only name: 䶮 (U+4DAE, CJK Extension A) is outside GBK, so only a correct GB18030 decode shows it.
GB18030_NAME = "欧阳^䶮"
GB18030_ID = "GB18030-1"
OLD_STUDY_DATE = "20240115"


def report_from_truth(folder: Path):
    """The phantom's true nodules as an AI FindingsReport (what a perfect model would have found)."""
    from ai_models.findings import KINDS, Finding, FindingsReport, ModelInfo

    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    findings = [Finding(center_lps_mm=tuple(n["center_lps_mm"]), diameter_mm=float(n["diameter_mm"]),
                        volume_mm3=float(n.get("volume_mm3", 0.0)), score=0.9 - 0.1 * i,
                        kind=n["kind"] if n["kind"] in KINDS else "solid")
                for i, n in enumerate(truth["nodules"])]
    return FindingsReport(study_uid=truth["study_uid"], series_uid=truth["series_uid"],
                          model=ModelInfo(name="phantom-truth", version="1", trained_on="phantom"), findings=findings)


def ai_sr_for(folder: Path) -> pydicom.Dataset:
    from dicom_objects.ai_results import write_results

    src = [pydicom.dcmread(p, stop_before_pixels=True) for p in dicom_files(folder)]
    return write_results(report_from_truth(folder), src)[0]


def _gb18030_study(out: Path) -> Path:
    from ai_models.phantom import write_phantom

    write_phantom(out, seed=18030, modality="CT", slices=6, thickness_mm=5.0, rows=128, n_nodules=1,
                  patient_name=GB18030_NAME, patient_id=GB18030_ID, charset="GB18030")
    for p in dicom_files(out):
        ds = pydicom.dcmread(p)
        ds.StudyDate = ds.SeriesDate = ds.ContentDate = OLD_STUDY_DATE
        ds.save_as(p)
    return out


@pytest.fixture(scope="session")
def gb18030_study(tmp_path_factory) -> Path:
    """A tiny CT (6 slices of 128x128) with a GB18030-only patient name, dated 2024-01-15."""
    return _gb18030_study(tmp_path_factory.mktemp("gb18030"))


@pytest.fixture(scope="session")
def shell_archive_root(tmp_path_factory, ct_phantom_small, dx_phantom, gb18030_study) -> Path:
    """A storage folder with three studies: the small CT phantom (+ its AI SR), the DX phantom, and
    the GB18030 study."""
    from dicom_node.archive import Archive

    root = tmp_path_factory.mktemp("shell_archive")
    gb = gb18030_study
    arch = Archive(root)
    for folder in (ct_phantom_small, dx_phantom, gb):
        for p in dicom_files(folder):
            arch.add_file(p, source_ae="MOBILE")
    arch.add_file(ai_sr_for(ct_phantom_small))
    arch.close()
    return root


@pytest.fixture
def shell_archive(shell_archive_root, tmp_path):
    """A private copy of the session archive (tests change states and add review SRs)."""
    from dicom_node.archive import Archive

    root = tmp_path / "storage"
    shutil.copytree(shell_archive_root, root)
    arch = Archive(root)
    yield arch
    arch.close()


@pytest.fixture
def shell_cfg(tmp_path, monkeypatch):
    """The default config with storage in tmp and the user's config folder redirected to tmp."""
    from dicom_node.config import load_config

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    cfg = load_config(None, {"storage.path": str(tmp_path / "storage")})
    cfg["viewer"]["browser_poll_s"] = 0.2  # tests wait for the poll; keep it short
    return cfg


@pytest.fixture(autouse=True)
def reset_language():
    """Each test sets the language it needs; afterwards the application is back to untranslated
    English, so tests elsewhere in the suite never meet a language a shell test left behind."""
    yield
    from PySide6.QtCore import QCoreApplication

    if QCoreApplication.instance() is not None:
        from viewer.i18n import remove_translations

        remove_translations()


