"""The phantom generator: what tests and training stand on must itself be right."""
import json
import subprocess
import sys

import numpy as np
import pydicom
import pytest

from ai_models.phantom import make_ct_phantom
from tests.conftest import dicom_files, ground_truth


def test_ct_phantom_is_valid_dicom_with_geometry_and_truth(ct_phantom_small):
    truth = ground_truth(ct_phantom_small)
    files = dicom_files(ct_phantom_small)
    assert len(files) == 40 and truth["files"] == [f.name for f in files]
    first, last = (pydicom.dcmread(f) for f in (files[0], files[-1]))
    assert first.Modality == "CT" and first.Rows == first.Columns == 512
    assert first.SpecificCharacterSet == "GB18030"
    assert str(first.PatientName) == truth["patient_name"] and any("\u4e00" <= ch <= "\u9fff" for ch in truth["patient_name"])
    assert float(last.ImagePositionPatient[2]) - float(first.ImagePositionPatient[2]) == pytest.approx(39 * 5.0)
    assert first.StudyInstanceUID == last.StudyInstanceUID == truth["study_uid"]
    assert len(truth["nodules"]) == 4


def test_nodules_are_where_the_truth_says():
    ph = make_ct_phantom(seed=3, slices=60, thickness_mm=2.5, n_nodules=3, kinds=["solid"], size_range_mm=(10, 20),
                         noise_hu=10)
    for nod in ph.nodules:
        z, y, x = (int(round(v)) for v in ph.geometry.voxel_of(nod.center_lps_mm))
        assert ph.hu[z, y, x] > -150, "the centre of a solid nodule is soft-tissue dense"
        off = int(round((nod.diameter_mm / 2 + 6) / ph.geometry.pixel_mm))
        ring = [ph.hu[z, y, x + off], ph.hu[z, y, x - off], ph.hu[z, y + off, x], ph.hu[z, y - off, x]]
        assert min(ring) < -500, "lung surrounds a non-juxtapleural nodule on at least one side"


def test_lungs_are_air_dense_and_body_soft_tissue():
    ph = make_ct_phantom(seed=5, slices=20, thickness_mm=5.0, n_nodules=0, noise_hu=15)
    mid = ph.hu[10]
    assert mid[256, 256 - 100] < -700  # right lung
    assert mid[256, 256 + 100] < -700  # left lung
    assert -200 < np.median(mid[250:262, 250:262]) < 100  # mediastinum
    assert mid[5, 5] < -950  # air outside the body


def test_dx_phantom(dx_phantom):
    truth = ground_truth(dx_phantom)
    ds = pydicom.dcmread(dicom_files(dx_phantom)[0])
    assert ds.Modality == "DX" and ds.PhotometricInterpretation == "MONOCHROME2"
    img = ds.pixel_array.astype(float)
    h, w = img.shape
    lung = img[h // 2 - 50: h // 2 + 50, int(w * 0.15): int(w * 0.25)].mean()
    spine = img[h // 2 - 50: h // 2 + 50, w // 2 - 30: w // 2 + 30].mean()
    assert lung < spine, "lungs darker than the mediastinum on a radiograph"
    assert truth["nodules"]


def test_cli_phantom_writes_study(tmp_path):
    out = tmp_path / "dx"
    r = subprocess.run([sys.executable, "-m", "viewer", "phantom", str(out), "--modality", "DX", "--seed", "2"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))["modality"] == "DX"
