"""Stable-study detection in a running node (real storescu), and the pipeline that hangs on it:
the AI step as a real subprocess, its states, its timeout, and the ready-listeners."""
from __future__ import annotations

import shutil
import subprocess
import time

import pydicom
import pytest

from dicom_node.archive import Archive
from dicom_node.pipeline import Pipeline, is_chest_ct
from tests.conftest import dicom_files, ground_truth
from tests.node_helpers import running_node

STORESCU = shutil.which("storescu") or "storescu"


def send(node, files, aet):
    res = subprocess.run([STORESCU, "-aet", aet, "-aec", node.aet, "127.0.0.1", str(node.port), *map(str, files)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]


def wait_for(fn, timeout=30.0, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not reached in time")


def test_stable_after_quiet_period_per_calling_ae(tmp_path, ct_phantom_small, dx_phantom):
    # Periods with room to spare, so that a loaded CI machine does not blur them.
    cfg = {"stability": {"quiet_seconds": 2, "per_calling_ae": {"SLOW_DR": 10}}}
    ct_files = dicom_files(ct_phantom_small)
    ct_uid, dx_uid = ground_truth(ct_phantom_small)["study_uid"], ground_truth(dx_phantom)["study_uid"]
    with running_node(tmp_path, config=cfg) as node:
        archive = node.archive()
        send(node, dicom_files(dx_phantom), "SLOW_DR")
        send(node, ct_files[:10], "MOBILE_CT")
        ct = wait_for(lambda: (s := archive.study(ct_uid)) and s.stable_at and s)
        assert ct.stable_at >= ct.last_received_at + 2
        assert archive.study(dx_uid).stable_at is None  # its AE's quiet period is 10 s
        assert ct.ai_state == "skipped"  # the helper's config has the AI off
        # More images for the stable study: unstable again, then stable again once quiet.
        send(node, ct_files[10:], "MOBILE_CT")
        assert archive.study(ct_uid).stable_at is None
        again = wait_for(lambda: (s := archive.study(ct_uid)) and s.stable_at and s)
        assert again.num_instances == len(ct_files) and again.stable_at >= again.last_received_at + 2
        dx = wait_for(lambda: (s := archive.study(dx_uid)) and s.stable_at and s)
        assert dx.stable_at >= dx.last_received_at + 10
        assert "is stable" in node.log_text()


def _ai_cfg(**ai):
    return {"ai": {"enabled": True, "device": "cpu", "model": "", "timeout_s": 600, **ai}}


def _run_pipeline(archive, cfg, study_uid, timeout=120):
    ready = []
    p = Pipeline(archive, cfg, ready.append)
    p.start()
    try:
        p.on_stable(study_uid)
        wait_for(lambda: ready, timeout=timeout)
    finally:
        p.stop()
    return ready


def test_pipeline_skips_what_is_not_chest_ct(tmp_path, dx_phantom):
    archive = Archive(tmp_path / "storage")
    for f in dicom_files(dx_phantom):
        archive.add_file(f)
    uid = ground_truth(dx_phantom)["study_uid"]
    assert not is_chest_ct(archive, uid)
    assert _run_pipeline(archive, _ai_cfg(), uid) == [uid]
    st = archive.study(uid)
    assert (st.ai_state, st.ai_detail) == ("skipped", "not a chest CT")


def test_pipeline_ai_failure_and_timeout_still_release_the_study(tmp_path, ct_phantom_small):
    archive = Archive(tmp_path / "storage")
    uid = ground_truth(ct_phantom_small)["study_uid"]
    for f in dicom_files(ct_phantom_small)[:2]:
        archive.add_file(f)
    assert is_chest_ct(archive, uid)
    # The real `python -m dicom_node.ai_step`, pointed at a model folder that does not exist:
    missing = tmp_path / "no-such-model"
    assert _run_pipeline(archive, _ai_cfg(model=str(missing)), uid) == [uid]
    st = archive.study(uid)
    assert st.ai_state == "failed" and "no-such-model" in st.ai_detail  # the step's one-line reason
    # A step that runs past ai.timeout_s is killed; forwarding is not held up any longer.
    assert _run_pipeline(archive, _ai_cfg(timeout_s=0.05), uid) == [uid]
    st = archive.study(uid)
    assert (st.ai_state, st.ai_detail) == ("failed", "timed out after 0.05 s")


def test_pipeline_resumes_unfinished_studies_at_start(tmp_path, ct_phantom_small):
    archive = Archive(tmp_path / "storage")
    uid = ground_truth(ct_phantom_small)["study_uid"]
    archive.add_file(dicom_files(ct_phantom_small)[0])
    archive.set_ai_state(uid, "running")  # the previous node died while the AI ran
    ready = []
    p = Pipeline(archive, _ai_cfg(timeout_s=0.05), ready.append)
    p.start()
    try:
        wait_for(lambda: ready)
    finally:
        p.stop()
    assert ready == [uid] and archive.study(uid).ai_state == "failed"


def _stable_study_through_real_ai(tmp_path, folder, uid):
    """The study in `folder`, stored and marked stable before any pipeline ran (picked up at start), after
    the real AI step; asserts it was released to forwarding, and returns its index record."""
    archive = Archive(tmp_path / "storage")
    for f in dicom_files(folder):
        archive.add_file(f)
    archive.mark_stable(uid, 1234.0)
    ready = []
    p = Pipeline(archive, _ai_cfg(timeout_s=300), ready.append)
    p.start()
    try:
        wait_for(lambda: ready, timeout=300)
    finally:
        p.stop()
    assert ready == [uid]
    return archive.study(uid)


def test_pipeline_runs_the_ai_on_a_stable_chest_ct(tmp_path, ct_phantom_small):
    """The real AI step on the 40-slice phantom: results land in the same study as new series,
    without restarting the study's quiet period, and the study is released to forwarding."""
    uid = ground_truth(ct_phantom_small)["study_uid"]
    st = _stable_study_through_real_ai(tmp_path, ct_phantom_small, uid)
    assert st.ai_state == "done", st.ai_detail
    assert st.ai_detail.endswith(" findings") and int(st.ai_detail.split()[0]) >= 0
    assert {"SR", "SEG"} <= set(st.modalities.split("\\"))
    assert st.stable_at == 1234.0  # its own results do not make the study unstable again


def test_too_thick_ct_is_skipped_in_words_and_still_released(tmp_path):
    """An 8 mm chest CT: the model does not read it. The study's AI state says why, in words, no SR/SEG/GSPS
    is written, and forwarding is not held back."""
    from ai_models.phantom import write_phantom

    folder = tmp_path / "ct8"
    truth = write_phantom(folder, seed=8, modality="CT", slices=30, thickness_mm=8.0, rows=256)
    st = _stable_study_through_real_ai(tmp_path, folder, truth["study_uid"])
    assert st.ai_state == "skipped"
    assert st.ai_detail.startswith("8 mm slices: too thick for nodule detection")
    assert set(st.modalities.split("\\")) == {"CT"}
