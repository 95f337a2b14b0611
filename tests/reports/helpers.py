"""A chest CT study with AI findings, as the county station holds it: the phantom's images plus the AI's SR."""
from __future__ import annotations

import time
from pathlib import Path

import pydicom
import pytest

from ai_models.findings import Finding, FindingsReport, ModelInfo
from tests.conftest import dicom_files, ground_truth

MODEL = ModelInfo(name="tpacs-lung-nodule", version="0.3", trained_on="synthetic phantoms")
PLACES = [("R", "upper"), ("L", "lower"), ("R", "middle"), ("L", "upper"), ("R", "lower"), ("L", "middle")]


def ai_findings(folder: Path) -> FindingsReport:
    """The phantom's nodules as the AI reports them (with lung side and zone)."""
    gt = ground_truth(folder)
    findings = [Finding(center_lps_mm=n["center_lps_mm"], diameter_mm=n["diameter_mm"], volume_mm3=n["volume_mm3"],
                        score=0.9, kind=n["kind"], mean_diameter_mm=n["diameter_mm"] * 0.9,
                        lung_side=PLACES[i][0], lung_zone=PLACES[i][1]) for i, n in enumerate(gt["nodules"])]
    return FindingsReport(gt["study_uid"], gt["series_uid"], MODEL, findings)


@pytest.fixture(scope="session")
def ct_study_files(ct_phantom_small, tmp_path_factory) -> list[Path]:
    """The 40-slice phantom CT and the AI's TID 1500 SR of it (written once)."""
    from dicom_objects.ai_results import write_results

    out = tmp_path_factory.mktemp("ai_sr")
    headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in dicom_files(ct_phantom_small)]
    sr = write_results(ai_findings(ct_phantom_small), headers)[0]
    sr.save_as(out / "ai_sr.dcm", enforce_file_format=True)
    return dicom_files(ct_phantom_small) + [out / "ai_sr.dcm"]


def wait_until(pred, timeout: float = 60.0, what: str = ""):
    """pred()'s first true value, polled every 0.25 s; AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")
