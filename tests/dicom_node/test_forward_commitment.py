"""Storage commitment (push model) with a real Orthanc: the county's N-EVENT-REPORT reaches the node,
an unanswered request is asked again, and retention deletes a study only once the county committed it."""
from __future__ import annotations

import time

import pytest

from dicom_node.archive import Archive
from dicom_node.config import load_config
from dicom_node.forward.worker import Forwarder
from dicom_node.jobs import JobQueue
from dicom_node.retention import apply_retention
from tests.conftest import dicom_files, free_port
from tests.dicom_node.forward_helpers import fill_archive
from tests.orthanc_helpers import running_orthanc

from tests.node_helpers import running_node, write_node_config

DAY = 86400


def _wait(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_county_commits_and_only_then_retention_may_delete(tmp_path, ct_phantom_small):
    files = dicom_files(ct_phantom_small)[:10]
    node_port = free_port()
    # the county knows the clinic's node, so that it can send its commitment report back
    with running_orthanc(tmp_path, extra={"DicomModalities": {"clinic": ["TPACS", "127.0.0.1", node_port]}}) as orthanc:
        dest = {"name": "county", "kind": "dicom", "ae_title": orthanc.aet, "host": "127.0.0.1",
                "port": orthanc.dicom_port, "storage_commitment": True}
        over = {"forwarding": {"destinations": [dest], "backoff_initial_s": 1, "backoff_cap_s": 2, "poll_s": 0.5,
                               "rescan_s": 0.5, "commitment_timeout_s": 2},
                "retention": {"enabled": True, "keep_days": 1}}
        config_path, _ = write_node_config(tmp_path / "node", node_port, over)
        cfg = load_config(config_path)
        archive = Archive(cfg["storage"]["path"])
        study_uid = fill_archive(archive, files)

        # 1. sent while the node's SCP is down: delivered, commitment asked, but no report can come back
        fw = Forwarder(cfg, archive)
        fw.on_study_ready(study_uid)
        job = fw.run_once()
        assert job.state == "delivered", job.last_error
        [c] = fw.queue.commitments(study_uid)
        assert c["state"] == "pending" and c["n_requested"] == len(files)
        assert orthanc.rest("/statistics")["CountInstances"] == len(files)
        time.sleep(1)
        assert fw.queue.commitments(study_uid)[0]["state"] == "pending"
        assert apply_retention(archive, cfg, fw, now=time.time() + 10 * DAY) == [], "delivered but not committed"
        fw.queue.close()

        # 2. the node runs: the unanswered request expires, is asked again, and the county's report arrives
        with running_node(tmp_path / "node", port=node_port, config=over) as node:
            q = JobQueue(node.storage / "index.sqlite")
            done = _wait(lambda: [c for c in q.commitments(study_uid) if c["state"] == "committed"], 60,
                         "the county's storage commitment report")
            assert done[0]["n_committed"] == len(files) and done[0]["n_failed"] == 0
            assert [c["state"] for c in q.commitments(study_uid)][0] == "expired"
            assert q.committed_uids("county", study_uid) == {i.sop_instance_uid for i in archive.instances(study_uid)}
            assert orthanc.rest("/statistics")["CountInstances"] == len(files), "nothing was sent twice"
            assert any(a["result"].startswith("commitment requested") for a in q.audit_rows(study_uid))

        # 3. committed: retention may now delete it once it is old enough (and not before)
        assert apply_retention(archive, cfg, fw, now=time.time() + 0.5 * DAY) == []
        assert apply_retention(archive, cfg, fw, now=time.time() + 10 * DAY) == [study_uid]
        assert archive.study(study_uid) is None
