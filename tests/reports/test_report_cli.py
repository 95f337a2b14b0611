"""`tpacs report STUDY_UID --from REPORT.json`: files a report on the county PACS (a real Orthanc) as the editor
would; a section left out comes from the AI draft; refusals exit non-zero with the reason."""
from __future__ import annotations

import json
import subprocess
import sys

import pydicom
import pytest
import tomli_w

from dicom_objects.diagnostic_report import read_report_sr
from reports.study import StudyContext
from tests.county.helpers import county_pacs, station_cfg

pytestmark = pytest.mark.slow


def send(orthanc, files):
    r = subprocess.run(["storescu", "-R", "-aet", "TOWN_A", "-aec", orthanc.aet, "127.0.0.1", str(orthanc.dicom_port),
                        *map(str, files)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def _tpacs(args, cfg_path, tmp_path):
    return subprocess.run([sys.executable, "-m", "viewer", *args, "--config", str(cfg_path)],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)


def _write(tmp_path, name, doc) -> str:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(p)


def test_report_cli_files_and_refuses(ct_study_files, tmp_path):
    study_uid = StudyContext.from_files(ct_study_files[:1]).study_uid
    with county_pacs(tmp_path) as orthanc:
        send(orthanc, ct_study_files)
        cfg = station_cfg(orthanc)
        cfg["reports"]["outbox"] = str(tmp_path / "outbox")
        cfg["county"]["cache_dir"] = str(tmp_path / "cache")
        cfg_path = tmp_path / "station.toml"
        cfg_path.write_bytes(tomli_w.dumps(cfg).encode())
        base = {"template": "chest_ct", "author": "张^明", "verifier": "李^审核", "critical": None}

        refusals = [
            ("1.2.3.4.5", {**base, "stage": "preliminary"}, 2, "unknown study"),
            (study_uid, {**base, "stage": "final", "verifier": ""}, 3, "verifier"),
            (study_uid, {**base, "stage": "final", "critical": {"finding": "右侧张力性气胸", "told": "王医生"}}, 3,
             "who was told"),
            (study_uid, "{not json", 2, "not valid JSON"),
        ]
        for i, (uid, doc, code, words) in enumerate(refusals):
            r = _tpacs(["report", uid, "--from", _write(tmp_path, f"bad{i}.json", doc)], cfg_path, tmp_path)
            assert r.returncode == code and words in r.stderr, (code, r.returncode, r.stderr[-800:])
        n_before = len(orthanc.instance_uids())

        good = {**base, "stage": "final", "sections": {"impression": "右肺上野结节，建议3个月后复查。"}}
        r = _tpacs(["report", study_uid, "--from", _write(tmp_path, "good.json", good)], cfg_path, tmp_path)
        assert r.returncode == 0, r.stderr[-2000:]
        out = json.loads(r.stdout)
        assert out["state"] == "final" and out["pdf"]
        assert len(orthanc.instance_uids()) == n_before + 2  # the SR and the PDF; nothing from the refusals
        oid = orthanc.rest("/tools/lookup", method="POST", data=out["sr"].encode())[0]["ID"]
        sr = pydicom.dcmread(__import__("io").BytesIO(orthanc.rest(f"/instances/{oid}/file")))
        doc = read_report_sr(sr)
        assert doc.sections["impression"] == "右肺上野结节，建议3个月后复查。"
        assert "C-Lung-RADS" in doc.sections["findings"] and "AI 辅助检出" in doc.sections["findings"]  # the draft's
        assert doc.final and doc.verifier == "李^审核"
        assert not any((tmp_path / "outbox").glob("*/*.dcm"))  # stored: nothing left waiting
