"""At the township: a county that pushes its reports by C-STORE (DCMTK storescu plays the county) to a real
`tpacs node`; the node takes in the reports of its own studies only, without running the study through its
pipeline again, and `tpacs reports` lists them."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from dicom_node.config import load_config
from reports.filing import ReportSession
from reports.model import CriticalResult
from reports.study import StudyContext
from tests.node_helpers import copy_with_new_uids, running_node
from tests.reports.helpers import wait_until as _wait


def _storescu(node, files, aet="COUNTY_PACS"):
    return subprocess.run(["storescu", "-R", "-aet", aet, "-aec", node.aet, "127.0.0.1", str(node.port),
                           *map(str, files)], capture_output=True, text=True, timeout=120)


def _file(files, tmp_path, name, **changes):
    session = ReportSession(StudyContext.from_files(files), load_config(tmp_path / "cfg.toml"))
    d = replace(session.draft(), author="张^明", verifier="李^审核", **changes)
    out = []
    for stage in ("preliminary", "final"):
        out += session.file(d, stage).save(tmp_path / name / stage)
    return out


@pytest.fixture
def cfg_file(tmp_path):
    (tmp_path / "cfg.toml").write_text("[reports]\n", encoding="utf-8")


def test_pushed_reports_of_our_study_come_in_and_others_are_refused(ct_study_files, tmp_path, cfg_file):
    with running_node(tmp_path / "town", config={"node": {"ae_title": "TOWN1"}, "reports": {"from": ""}}) as node:
        assert _storescu(node, ct_study_files, aet="MOBILE_CT").returncode == 0
        archive = node.archive()
        study_uid = str(StudyContext.from_files(ct_study_files[:1]).study_uid)
        _wait(lambda: (s := archive.study(study_uid)) is not None and s.stable_at, 30, "the study stable")
        stable_at = archive.study(study_uid).stable_at
        n_before = archive.study(study_uid).num_instances

        ours = _file(ct_study_files, tmp_path, "ours",
                     critical=CriticalResult("右侧张力性气胸", "急诊科 王护士", "电话", "2026-12-01T09:30:00+08:00"))
        assert _storescu(node, ours).returncode == 0
        assert archive.study(study_uid).num_instances == n_before + 3  # two SRs and the PDF
        time.sleep(1.5)  # a quiet period later: still the same stable study (no AI, no forwarding again)
        assert archive.study(study_uid).stable_at == stable_at

        other_files = copy_with_new_uids(ct_study_files[:3], tmp_path / "other_study", 3)
        theirs = _file(other_files, tmp_path, "theirs")
        res = _storescu(node, theirs)
        assert "0124" in (res.stdout + res.stderr) or res.returncode != 0, res.stderr
        assert archive.study(str(StudyContext.from_files(other_files).study_uid)) is None
        assert "another township" in node.log_text()

        out = subprocess.run([sys.executable, "-m", "viewer", "reports", "--config", str(node.config_path), "--json"],
                             capture_output=True, text=True, timeout=60, check=True)
        reports = json.loads(out.stdout)["reports"]
        assert [(r["state"], r["author"], r["verifier"], r["critical"]) for r in reports] == [
            ("final", "张^明", "李^审核", True), ("preliminary", "张^明", "", True)]
        assert all(r["study_uid"] == study_uid and r["pdf"] for r in reports)
        text = subprocess.run([sys.executable, "-m", "viewer", "reports", "--config", str(node.config_path)],
                              capture_output=True, text=True, timeout=60, check=True).stdout
        assert "危急值" in text and "张伟" in text


def test_pulled_objects_reports_in_images_aside_a_broken_transfer_fails(ct_study_files, tmp_path, cfg_file):
    """What the report puller hands the inbox: a report is stored, an image is no report (None: set aside
    for good), and a transfer that brought the File Meta only is an error (the puller looks again)."""
    from dicom_node.archive import Archive
    from dicom_node.report_inbox import ReportInbox

    archive = Archive(tmp_path / "storage")
    for f in ct_study_files:
        archive.add_file(f)
    inbox = ReportInbox(archive, {})
    session = ReportSession(StudyContext.from_files(ct_study_files), load_config(tmp_path / "cfg.toml"))
    filed = session.file(replace(session.draft(), author="张^明", verifier="李^审核"), "final")
    paths = {p.stem: p for p in filed.save(tmp_path / "in")}
    sr_path, pdf_path = paths[str(filed.sr.SOPInstanceUID)], paths[str(filed.pdf.SOPInstanceUID)]

    raw = sr_path.read_bytes()
    broken = tmp_path / "broken.dcm"
    broken.write_bytes(raw[:144 + int.from_bytes(raw[140:144], "little")])  # preamble, DICM, File Meta
    with pytest.raises(ValueError, match="no SOP Class"):
        inbox.receive(broken, "pull:county")
    assert inbox.reports() == [] and archive.instance(str(filed.sr.SOPInstanceUID)) is None

    assert inbox.receive(ct_study_files[0], "pull:county") is None
    row = inbox.receive(sr_path, "pull:county")
    assert row is not None and row.state == "final" and row.verifier
    assert inbox.receive(pdf_path, "pull:county") is None  # the printed copy: stored, listed with its SR
    assert archive.instance(str(filed.pdf.SOPInstanceUID)) is not None
    assert inbox.study_states()[session.ctx.study_uid][0] == "final"
