"""Two townships to the county: two real `tpacs node` processes (AI on) receive a CT and a DX from DCMTK's
storescu and forward them with their AI results to a real Orthanc (the county PACS); the county station's
logic (no GUI) lists every study with the right township and AI findings, in urgency order, and fetches
the CT with its AI SR byte for byte."""
from __future__ import annotations

import datetime as dt
import subprocess
import time

import pydicom
import pytest

from county.ordering import order
from county.worklist import Worklist
from tests.conftest import dicom_files, free_port
from tests.county.helpers import county_pacs, relabel, station_cfg
from tests.node_helpers import running_node

pytestmark = pytest.mark.slow

CST = dt.timezone(dt.timedelta(hours=8))


def _node_config(aet: str, county) -> dict:
    return {"node": {"ae_title": aet}, "ai": {"enabled": True, "device": "cpu"},
            "stability": {"quiet_seconds": 1},
            "forwarding": {"poll_s": 0.5, "destinations": [
                {"name": "county", "kind": "dicom", "ae_title": county.aet, "host": "127.0.0.1",
                 "port": county.dicom_port}]}}


def _store(node, files, calling: str) -> None:
    res = subprocess.run(["storescu", "-aet", calling, "-aec", node.aet, "127.0.0.1", str(node.port),
                          *map(str, files)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr


def test_two_townships_on_one_county_worklist(tmp_path, ct_phantom_small, dx_phantom):
    ct = relabel(dicom_files(ct_phantom_small), tmp_path / "ct", 5, InstitutionName="东岗镇卫生院")
    dx = relabel(dicom_files(dx_phantom), tmp_path / "dx", 6, InstitutionName="西山乡卫生院")
    ct_uid = str(pydicom.dcmread(ct[0], stop_before_pixels=True).StudyInstanceUID)
    dx_uid = str(pydicom.dcmread(dx[0], stop_before_pixels=True).StudyInstanceUID)
    with county_pacs(tmp_path, stations={"READING1": free_port()}) as county, \
            running_node(tmp_path / "town_a", config=_node_config("TOWN_A", county)) as a, \
            running_node(tmp_path / "town_b", config=_node_config("TOWN_B", county)) as b:
        _store(a, ct, "MOBILE_CT")
        _store(b, dx, "MOBILE_DR")
        deadline = time.monotonic() + 240
        # the CT with its AI results (SR + SEG + GSPS) and the DX, all at the county
        while county.rest("/statistics")["CountInstances"] < len(ct) + 3 + len(dx):
            assert time.monotonic() < deadline, (a.log_text()[-3000:], b.log_text()[-3000:])
            time.sleep(1)

        cfg = station_cfg(county, "dicomweb")
        cfg["county"].update({"worklist_days": 0, "cache_dir": str(tmp_path / "cache"),
                              "claims_dir": str(tmp_path / "claims")})
        now = dt.datetime(2026, 1, 1, 9, 45, tzinfo=CST).timestamp()
        wl = Worklist(cfg, clock=lambda: now, tz=CST)
        rows = wl.refresh()
        by = {r.study_uid: r for r in rows}
        assert set(by) == {ct_uid, dx_uid}
        assert (by[ct_uid].township, by[ct_uid].sending_ae) == ("东岗镇卫生院", "TOWN_A")
        assert (by[dx_uid].township, by[dx_uid].sending_ae) == ("西山乡卫生院", "TOWN_B")
        ai = by[ct_uid]
        truth = pydicom.dcmread(next(p for p in (tmp_path / "town_a" / "storage" / "files").rglob("*.dcm")
                                     if pydicom.dcmread(p, stop_before_pixels=True).Modality == "SR"))
        from dicom_objects.measurement_report_reader import findings_from_sr

        found = findings_from_sr(truth).findings
        assert ai.ai_findings == len(found) >= 1  # the model finds the phantom's nodules
        assert ai.ai_model.startswith(findings_from_sr(truth).model.name)
        assert by[dx_uid].ai_findings is None
        assert [r.study_uid for r in rows] == [r.study_uid for r in order(rows, wl.now(), 30)]
        assert rows[0].study_uid == ct_uid  # AI findings rank the CT above the radiograph

        res = wl.fetch(ct_uid)
        got = {p.name[:-4] for p in res.glob("*.dcm")}
        assert len(got) == len(ct) + 3
        wl.close()
