"""Forwarding by a real `tpacs node` to a real Orthanc: a whole 240-slice CT with its AI results,
and an outage of the county during the transfer with the node killed and restarted meanwhile."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pydicom
import pytest

from ai_models.findings import Finding, FindingsReport, ModelInfo
from dicom_node.jobs import JobQueue
from tests.conftest import dicom_files, ground_truth
from tests.orthanc_helpers import running_orthanc

from tests.node_helpers import running_node

pytestmark = pytest.mark.slow


def _results_files(ct_folder: Path, out: Path) -> list[Path]:
    """SR + SEG + GSPS for the phantom's known nodules, written by the same code the AI step uses."""
    from dicom_objects.ai_results import write_results

    gt = ground_truth(ct_folder)
    headers = [pydicom.dcmread(f, stop_before_pixels=True) for f in dicom_files(ct_folder)]
    report = FindingsReport(gt["study_uid"], gt["series_uid"], ModelInfo("phantom-truth", "1", "phantom"),
                            [Finding(n["center_lps_mm"], n["diameter_mm"], n["volume_mm3"], 0.9, n["kind"])
                             for n in gt["nodules"]])
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, ds in enumerate(write_results(report, headers)):
        p = out / f"result{i}.dcm"
        ds.save_as(p, enforce_file_format=True)
        paths.append(p)
    return paths


def _storescu(node, files: list[Path]) -> None:
    r = subprocess.run(["storescu", "-R", "-aet", "MOBILE_CT", "-aec", node.aet, "127.0.0.1", str(node.port),
                        *map(str, files)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]


def _node_cfg(orthanc) -> dict:
    return {"node": {"ae_title": "TPACS"},
            "forwarding": {"destinations": [{"name": "county", "kind": "dicom", "ae_title": orthanc.aet,
                                             "host": "127.0.0.1", "port": orthanc.dicom_port}],
                           "backoff_initial_s": 1, "backoff_factor": 2.0, "backoff_cap_s": 2, "poll_s": 0.5}}


def _wait(pred, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _assert_orthanc_matches_archive(orthanc, archive, study_uid: str) -> None:
    ours = archive.instances(study_uid)
    stats = orthanc.rest("/statistics")
    assert stats["CountStudies"] == 1
    assert stats["CountSeries"] == len(archive.series(study_uid))
    assert stats["CountInstances"] == len(ours)
    by_series: dict[str, set] = {}
    for i in ours:
        by_series.setdefault(i.series_uid, set()).add(i.sop_instance_uid)
    for sid in orthanc.rest("/series"):
        s = orthanc.rest(f"/series/{sid}")
        got = [i["MainDicomTags"]["SOPInstanceUID"] for i in orthanc.rest(f"/series/{sid}/instances")]
        assert len(got) == len(set(got))
        assert set(got) == by_series[s["MainDicomTags"]["SeriesInstanceUID"]]


def _delivered_job(storage: Path, study_uid: str):
    q = JobQueue(storage / "index.sqlite")
    jobs = [j for j in q.jobs(study_uid=study_uid) if j.state == "delivered"]
    return jobs[0] if jobs else None


def test_240_slice_ct_and_its_results_arrive_complete(tmp_path, ct_phantom_240):
    results = _results_files(ct_phantom_240, tmp_path / "results")
    with running_orthanc(tmp_path) as orthanc, running_node(tmp_path / "node", config=_node_cfg(orthanc)) as node:
        _storescu(node, dicom_files(ct_phantom_240) + results)
        study_uid = ground_truth(ct_phantom_240)["study_uid"]
        job = _wait(lambda: _delivered_job(node.storage, study_uid), 180, "the study to be delivered")
        archive = node.archive()
        assert job.n_instances == 240 + len(results) == len(archive.instances(study_uid))
        assert archive.study(study_uid).forward_state == "sent"
        _assert_orthanc_matches_archive(orthanc, archive, study_uid)
        sr_uid = str(pydicom.dcmread(results[0], stop_before_pixels=True).SOPInstanceUID)
        oid = orthanc.rest("/tools/lookup", method="POST", data=sr_uid.encode())[0]["ID"]
        assert orthanc.rest(f"/instances/{oid}/simplified-tags")["Modality"] == "SR"


def test_county_down_mid_transfer_and_node_restarted_every_instance_arrives_once(tmp_path, ct_phantom_240):
    files = dicom_files(ct_phantom_240)
    study_uid = ground_truth(ct_phantom_240)["study_uid"]
    with running_orthanc(tmp_path) as orthanc, running_node(tmp_path / "node", config=_node_cfg(orthanc)) as node:
        _storescu(node, files)
        # the uplink drops while the study is on its way
        _wait(lambda: orthanc.rest("/statistics")["CountInstances"] >= 20, 120, "the transfer to start", every=0.03)
        orthanc.stop(kill=True)
        q = JobQueue(node.storage / "index.sqlite")
        [job] = q.jobs(study_uid=study_uid)
        assert 0 < len(q.delivered_uids("county", study_uid)) < 240, "the outage must hit mid-transfer"
        # ... and the clinic's PC is switched off hard while the county is still unreachable
        node.kill()
        node.start()
        _wait(lambda: any(a.result == "failed" and a.started_at > job.created_at
                          for a in q.history(job.id)[1:]), 60, "a failed retry while the county is down")
        assert q.get(job.id).state in ("failed", "sending", "queued")
        orthanc.start()  # the county is back, with what it had received before
        done = _wait(lambda: _delivered_job(node.storage, study_uid), 180, "delivery after the outage")
        assert done.id == job.id
        archive = node.archive()
        _assert_orthanc_matches_archive(orthanc, archive, study_uid)
        # every instance left the clinic successfully exactly once
        sent = [a["sop_instance_uid"] for a in q.audit_rows(study_uid) if a["result"] in ("delivered", "duplicate")]
        assert sorted(sent) == sorted(i.sop_instance_uid for i in archive.instances(study_uid))
        # the job's history shows the failed tries and the delivery; `tpacs jobs` shows it to the user
        results = [a.result for a in q.history(job.id)]
        assert results.count("failed") + results.count("interrupted") >= 2 and results[-1] == "delivered"
        r = subprocess.run([sys.executable, "-m", "viewer.cli", "jobs", "--config", str(node.config_path),
                            "list", str(job.id)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert "delivered" in r.stdout
        assert "attempt 1: failed" in r.stdout or "attempt 1: interrupted" in r.stdout
        assert f"attempt {len(results)}: delivered" in r.stdout


def test_dead_job_retried_by_hand_with_tpacs_jobs_is_sent_by_the_running_node(tmp_path, ct_phantom_small):
    files = dicom_files(ct_phantom_small)[:5]
    study_uid = ground_truth(ct_phantom_small)["study_uid"]
    with running_orthanc(tmp_path) as orthanc:
        orthanc.stop(kill=True)  # the county is down from the start
        cfg = _node_cfg(orthanc)
        cfg["forwarding"]["max_attempts"] = 2
        with running_node(tmp_path / "node", config=cfg) as node:
            _storescu(node, files)
            q = JobQueue(node.storage / "index.sqlite")
            job = _wait(lambda: next(iter(q.jobs(study_uid=study_uid, states=["dead"])), None), 60, "a dead job")
            assert job.attempts == 2 and node.archive().study(study_uid).forward_state == "failed"
            orthanc.start()
            time.sleep(1.5)
            assert q.get(job.id).state == "dead", "a dead job waits for a person"
            jobs_cmd = [sys.executable, "-m", "viewer.cli", "jobs", "--config", str(node.config_path)]
            r = subprocess.run(jobs_cmd + ["retry", str(job.id)], capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, r.stderr
            _wait(lambda: q.get(job.id).state == "delivered", 60, "the running node to send the requeued job")
            assert orthanc.rest("/statistics")["CountInstances"] == len(files)
            assert node.archive().study(study_uid).forward_state == "sent"
            assert [a.result for a in q.history(job.id)] == ["failed", "failed", "requeued", "delivered"]
