"""The node's AI step: a stored chest CT ends with SR, SEG and GSPS in the archive, and a study the
model cannot read fails with a clear reason.

`python -m dicom_node.ai_step` is run as the pipeline runs it (a subprocess on a real archive); the
end-to-end test sends a phantom with DCMTK's storescu to a running `tpacs node`.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.uid import generate_uid

from tests.conftest import PROJECT_ROOT, dciodvfy_errors, dicom_files, ground_truth

RESULT_MODALITIES = {"SR", "SEG", "PR"}


def run_step(storage: Path, study_uid: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return subprocess.run([sys.executable, "-m", "dicom_node.ai_step", "--storage", str(storage), "--study",
                           study_uid, "--device", "cpu"], capture_output=True, text=True, timeout=timeout,
                          cwd=PROJECT_ROOT, env=env)


def _archive(root: Path):
    from dicom_node.archive import Archive

    return Archive(root)


def test_unknown_study_and_missing_archive_fail_clearly(tmp_path):
    r = run_step(tmp_path / "nothing", "1.2.3")
    assert r.returncode == 2 and "no archive" in r.stderr
    _archive(tmp_path / "store")
    r = run_step(tmp_path / "store", "1.2.3.4")
    assert r.returncode == 2 and "not in the archive" in r.stderr and r.stdout.strip() == ""


def test_study_without_ct_fails_with_the_reason(ct_phantom_small, tmp_path):
    from dicom_objects.ai_results import write_results
    from ai_models.findings import FindingsReport, ModelInfo

    # A study that holds only an SR (e.g. a report sent on its own): nothing for the model to read.
    headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in dicom_files(ct_phantom_small)]
    gt = ground_truth(ct_phantom_small)
    sr = write_results(FindingsReport(gt["study_uid"], gt["series_uid"], ModelInfo("m", "1", "x")), headers)[0]
    archive = _archive(tmp_path / "store")
    archive.add_file(sr)
    r = run_step(tmp_path / "store", gt["study_uid"])
    assert r.returncode == 3, r.stderr
    assert "no CT series" in r.stderr and "SR" in r.stderr
    assert len(archive.instances(study_uid=gt["study_uid"])) == 1  # nothing written, nothing lost


def test_tilted_series_is_refused_with_the_reason(ct_phantom_small, tmp_path):
    """Gantry tilt: successive slices shift sideways. The step says so and writes nothing."""
    archive = _archive(tmp_path / "store")
    study, series = generate_uid(), generate_uid()
    for path in dicom_files(ct_phantom_small)[:12]:
        ds = pydicom.dcmread(path)
        x, y, z = (float(v) for v in ds.ImagePositionPatient)
        ds.ImagePositionPatient = [x, y + (z + 125.0) * math.tan(math.radians(12)), z]
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
        archive.add_file(ds)
    r = run_step(tmp_path / "store", study)
    assert r.returncode == 3, r.stderr
    assert "tilt" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert {s.modality for s in archive.series(study)} == {"CT"}


def _check_results(archive, study_uid: str, truth: dict, n_findings: int) -> None:
    from dicom_objects.measurement_report_reader import findings_from_sr

    series = archive.series(study_uid)
    by_modality = {s.modality: s for s in series}
    assert RESULT_MODALITIES <= set(by_modality) if n_findings else "SR" in by_modality
    results = [i for i in archive.instances(study_uid=study_uid) if i.series_uid != truth["series_uid"]]
    for inst in results:
        assert dciodvfy_errors(inst.path) == [], inst.path
        with open(inst.path, "rb") as fh:
            assert fh.read(132) == b"\0" * 128 + b"DICM"  # stored like a received object
    sr_path = next(i.path for i in results if i.series_uid == by_modality["SR"].series_uid)
    report = findings_from_sr(sr_path)
    assert report.study_uid == study_uid and report.series_uid == truth["series_uid"]
    assert len(report.findings) == n_findings
    assert report.model.name and report.model.version


@pytest.mark.slow
def test_phantom_sent_with_storescu_ends_with_sr_seg_gsps_and_a_rerun_adds_nothing(ct_phantom_small, tmp_path):
    from tests.node_helpers import running_node

    truth = ground_truth(ct_phantom_small)
    files = [str(p) for p in dicom_files(ct_phantom_small)]
    with running_node(tmp_path, config={"ai": {"enabled": True, "device": "cpu", "timeout_s": 300},
                                        "stability": {"quiet_seconds": 1}}) as node:
        subprocess.run(["storescu", "-aet", "MOBILE_CT", "-aec", node.aet, "127.0.0.1", str(node.port), *files],
                       check=True, capture_output=True, timeout=120)
        archive = node.archive()
        deadline = time.monotonic() + 300
        study = None
        while time.monotonic() < deadline:
            study = archive.study(truth["study_uid"])
            if study is not None and study.ai_state in ("done", "failed"):
                break
            time.sleep(0.5)
        assert study is not None, node.log_text()[-3000:]
        assert study.ai_state == "done", f"{study.ai_state}: {study.ai_detail}\n{node.log_text()[-3000:]}"
        n = int(study.ai_detail.split()[0])
        assert study.ai_detail == f"{n} findings"
        _check_results(archive, truth["study_uid"], truth, n)
        # The CT itself is untouched: every slice is still there.
        ct = [s for s in archive.series(truth["study_uid"]) if s.series_uid == truth["series_uid"]]
        assert ct and ct[0].num_instances == len(files)
        from dicom_objects.measurement_report_reader import findings_from_sr

        sr = next(i.path for i in archive.instances(study_uid=truth["study_uid"])
                  if i.sop_class_uid == "1.2.840.10008.5.1.4.1.1.88.34")
        found = findings_from_sr(sr).findings
        # The phantom has nodules of 10 mm and more: at least one is found (centre within its radius).
        big = [nod for nod in truth["nodules"] if nod["diameter_mm"] >= 10]
        assert big and any(np.linalg.norm(np.subtract(f.center_lps_mm, nod["center_lps_mm"])) < nod["diameter_mm"] / 2
                           for f in found for nod in big), (found, big)
        before = {i.sop_instance_uid for i in archive.instances(study_uid=truth["study_uid"])}
        written = [i.sop_instance_uid for i in archive.instances(study_uid=truth["study_uid"])
                   if i.series_uid != truth["series_uid"]]
    # A study left "running" by a crash is re-run at the next start: the step then makes the very same
    # objects, so the archive holds one result set, not two.
    r = run_step(node.storage, truth["study_uid"])
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout.strip().splitlines()[-1])
    assert result["n_findings"] == n and sorted(result["written"]) == sorted(written)
    assert {i.sop_instance_uid for i in node.archive().instances(study_uid=truth["study_uid"])} == before


@pytest.mark.slow
def test_the_node_uses_the_configured_model_and_cutoff(ct_phantom_small, tmp_path):
    """Issue 15.6: `[ai] model = NAME` found under `[ai] user_models_dir`, and `[ai] min_score`, mean in
    the running node what they mean to `tpacs detect` (before, every study failed with "no model")."""
    from dicom_objects.measurement_report_reader import findings_from_sr
    from tests.node_helpers import running_node

    truth = ground_truth(ct_phantom_small)
    ai = {"enabled": True, "device": "cpu", "timeout_s": 300, "model": "tpacs-nodule-unet",
          "user_models_dir": str(PROJECT_ROOT / "tests" / "data" / "models"), "min_score": 0.3}
    with running_node(tmp_path, config={"ai": ai, "stability": {"quiet_seconds": 1}}) as node:
        subprocess.run(["storescu", "-aec", node.aet, "127.0.0.1", str(node.port),
                        *map(str, dicom_files(ct_phantom_small))], check=True, capture_output=True, timeout=120)
        archive = node.archive()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            study = archive.study(truth["study_uid"])
            if study is not None and study.ai_state in ("done", "failed"):
                break
            time.sleep(0.5)
        assert study.ai_state == "done", f"{study.ai_state}: {study.ai_detail}\n{node.log_text()[-3000:]}"
        sr = next(i.path for i in archive.instances(study_uid=truth["study_uid"])
                  if i.sop_class_uid == "1.2.840.10008.5.1.4.1.1.88.34")
        report = findings_from_sr(sr)
        assert (report.model.name, report.model.version) == ("tpacs-nodule-unet", "0.1.0")
        assert all(f.score >= 0.3 for f in report.findings)
